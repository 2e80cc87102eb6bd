package output

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// gate blocks every Write until opened.
type gate struct {
	open chan struct{}
	lockedBuffer
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	return g.lockedBuffer.Write(p)
}

func TestPumpCopiesInOrder(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	p := Start(r, &out, DefaultBuffer)
	var want strings.Builder
	for i := range 1000 {
		line := strings.Repeat("x", i%100) + "\n"
		want.WriteString(line)
		if _, err := w.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Close()
	p.Close(time.Second)
	if out.String() != want.String() {
		t.Fatalf("copied %d bytes, want %d in order", len(out.String()), want.Len())
	}
}

// A writer that never returns must not block the process writing the pipe.
func TestSlowWriterNeverBlocksTheProcess(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{open: make(chan struct{})}
	p := Start(r, g, 64<<10)
	chunk := bytes.Repeat([]byte("y"), 32<<10)
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		for range 64 { // 2 MB, far beyond the pipe and the buffer
			if _, err := w.Write(chunk); err != nil {
				t.Error(err)
				return
			}
		}
		_ = w.Close()
	}()
	select {
	case <-wrote:
	case <-time.After(10 * time.Second):
		t.Fatal("the process blocked on its output")
	}
	close(g.open)
	p.Close(time.Second)
	if s := g.String(); !strings.Contains(s, "bytes of output dropped") || len(s) > 200<<10 {
		t.Errorf("got %d bytes without the dropped-output note", len(s))
	}
}

func TestStreamsShareOneWriter(t *testing.T) {
	var out lockedBuffer
	s, err := NewStreams(&out, &out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Stdout != s.Stderr {
		t.Error("one writer got two descriptors")
	}
	s.Close(0)

	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err = NewStreams(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Stdout != f || s.Stderr == nil || s.Stderr == f {
		t.Error("an *os.File is not passed through, or nil not given /dev/null")
	}
	s.Close(0)
}
