package sandbox

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"syscall"
	"testing"
)

func TestValidate(t *testing.T) {
	good := Spec{ID: "abc-123", CodeDir: "/code", Command: []string{"/var/task/bootstrap"}, Env: []string{"A=1", "EMPTY="}}.WithDefaults()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if good.MemoryMB != 128 || good.TmpMB != 512 {
		t.Errorf("defaults: %d MB memory, %d MB /tmp", good.MemoryMB, good.TmpMB)
	}
	for name, mutate := range map[string]func(*Spec){
		"upper-case ID":   func(s *Spec) { s.ID = "ABC" },
		"long ID":         func(s *Spec) { s.ID = "a123456789a123456789a123456789a123456789a123456789" },
		"no code":         func(s *Spec) { s.CodeDir = "" },
		"no command":      func(s *Spec) { s.Command = nil },
		"negative memory": func(s *Spec) { s.MemoryMB = -1 },
		"bad env":         func(s *Spec) { s.Env = []string{"NOEQUALS"} },
		"NUL in argv":     func(s *Spec) { s.Command = []string{"/a\x00b"} },
	} {
		s := good
		mutate(&s)
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestEnvironReplacesTheRuntimeAPI(t *testing.T) {
	s := Spec{Env: []string{"AWS_LAMBDA_RUNTIME_API=old", "A=1"}}
	got := s.Environ("127.0.0.1:9001")
	if want := []string{"A=1", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"}; !slices.Equal(got, want) {
		t.Errorf("Environ = %q, want %q", got, want)
	}
}

func TestInitError(t *testing.T) {
	err := error(&InitError{Step: "starting /var/task/bootstrap", Err: syscall.ENOENT, Entrypoint: true})
	if !errors.Is(err, ErrInvalidEntrypoint) || !errors.Is(err, fs.ErrNotExist) {
		t.Error("entrypoint error does not match")
	}
	if got := err.Error(); got != "sandbox init: starting /var/task/bootstrap: no such file or directory" {
		t.Errorf("Error() = %q", got)
	}
	if errors.Is(&InitError{Step: "mounting /usr", Err: syscall.EPERM}, ErrInvalidEntrypoint) {
		t.Error("a sandbox failure matches ErrInvalidEntrypoint")
	}
	if s := (ExitStatus{Code: -1, Signal: "killed"}).String(); s != "signal: killed" {
		t.Errorf("ExitStatus.String = %q", s)
	}
}

// recorder is an Attachment that logs what it attaches and detaches.
type recorder struct {
	name string
	log  *[]string
	fail bool
}

func (r recorder) Attach(Instance) (io.Closer, error) {
	if r.fail {
		return nil, errors.New("refused")
	}
	*r.log = append(*r.log, "attach "+r.name)
	return closer(func() error { *r.log = append(*r.log, "detach "+r.name); return nil }), nil
}

type closer func() error

func (c closer) Close() error { return c() }

func TestAttachDetachesInReverseAndRollsBack(t *testing.T) {
	var log []string
	d, err := Attach(nil, []Attachment{recorder{name: "a", log: &log}, recorder{name: "b", log: &log}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"attach a", "attach b", "detach b", "detach a"}; !slices.Equal(log, want) {
		t.Errorf("log %q, want %q", log, want)
	}
	log = nil
	if _, err := Attach(nil, []Attachment{recorder{name: "a", log: &log}, recorder{name: "b", log: &log, fail: true}}); err == nil {
		t.Fatal("a failed attachment was not reported")
	}
	if want := []string{"attach a", "detach a"}; !slices.Equal(log, want) {
		t.Errorf("after a failure: log %q, want %q", log, want)
	}
}
