package output

import (
	"io"
	"os"
	"reflect"
	"time"
)

// Streams are the stdout and stderr descriptors of one child process, made
// from the caller's writers: nil becomes /dev/null, an *os.File is passed
// through as is (the child gets its own copy of the descriptor), and any
// other writer is fed from a pipe by a Pump. One writer given for both gets
// one descriptor, so the two streams keep their relative order.
type Streams struct {
	Stdout, Stderr *os.File // for the child

	childEnds []*os.File // ours to close once the child has its copies
	pumps     []*Pump
}

// NewStreams prepares the descriptors for stdout and stderr.
func NewStreams(stdout, stderr io.Writer) (*Streams, error) {
	s := &Streams{}
	var err error
	if s.Stdout, err = s.file(stdout); err != nil {
		s.Close(0)
		return nil, err
	}
	if sameWriter(stdout, stderr) {
		s.Stderr = s.Stdout
		return s, nil
	}
	if s.Stderr, err = s.file(stderr); err != nil {
		s.Close(0)
		return nil, err
	}
	return s, nil
}

func (s *Streams) file(w io.Writer) (*os.File, error) {
	switch w := w.(type) {
	case nil:
		f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		s.childEnds = append(s.childEnds, f)
		return f, nil
	case *os.File:
		return w, nil
	default:
		r, pw, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		s.childEnds = append(s.childEnds, pw)
		s.pumps = append(s.pumps, Start(r, w, DefaultBuffer))
		return pw, nil
	}
}

// Started closes our copies of the descriptors we made for the child, so
// a pipe reaches EOF when the child's processes are gone.
func (s *Streams) Started() {
	for _, f := range s.childEnds {
		_ = f.Close()
	}
	s.childEnds = nil
}

// Close releases everything, waiting up to grace for the child side of the
// pipes to close and then for the pumps to deliver what they read. Call it
// once the child's processes are dead.
func (s *Streams) Close(grace time.Duration) {
	s.Started()
	for _, p := range s.pumps {
		p.Close(grace)
	}
	s.pumps = nil
}

// sameWriter reports whether a and b are the same writer, without
// panicking on writers whose dynamic type is not comparable.
func sameWriter(a, b io.Writer) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	return ta == tb && ta.Comparable() && a == b
}
