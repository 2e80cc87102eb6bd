//go:build unix

package process

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gust/internal/sandbox"
)

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("output never contained %q; got:\n%s", s, b.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// start creates an environment running script as /var/task/bootstrap,
// serving body on its Runtime API, and destroys it when the test ends.
func start(t *testing.T, script string, env ...string) (sandbox.Instance, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	inst, err := b.Create(context.Background(), sandbox.Spec{
		ID: "p1", CodeDir: dir, Command: []string{"/var/task/bootstrap", "/var/task/arg"},
		Env: env, MemoryMB: 128, TmpMB: 512, Stdout: out, Stderr: out,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "runtime api")
	})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(inst.Listener())
	}()
	t.Cleanup(func() {
		if err := inst.Destroy(); err != nil {
			t.Error(err)
		}
		_ = srv.Close()
		<-served
	})
	if err := inst.Start(); err != nil {
		t.Fatal(err)
	}
	return inst, out
}

func TestEnvironmentAndExit(t *testing.T) {
	t.Setenv("GUST_SERVER_SECRET", "must not leak")
	inst, out := start(t, `#!/bin/sh
echo "args=$*"
echo "cwd=$(pwd)"
echo "api=$(curl -s -m 5 http://$AWS_LAMBDA_RUNTIME_API/)"
env | sort | sed 's/^/env:/'
exit 3
`, "FOO=bar", "PATH=/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API=stale")
	select {
	case <-inst.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("bootstrap did not exit")
	}
	if st := inst.ExitStatus(); st != (sandbox.ExitStatus{Code: 3}) {
		t.Errorf("exit status = %+v", st)
	}
	if err := inst.Destroy(); err != nil { // waits for the output
		t.Fatal(err)
	}
	s := out.String()
	dir := filepath.Dir(strings.TrimPrefix(lineWith(s, "cwd="), "cwd=") + "/x")
	for _, want := range []string{
		"args=" + filepath.Join(dir, "arg"),
		"api=runtime api",
		"env:FOO=bar",
		"env:AWS_LAMBDA_RUNTIME_API=" + inst.RuntimeAPIAddr(),
	} {
		if !strings.Contains(s, want+"\n") {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	for _, line := range strings.Split(s, "\n") {
		kv, ok := strings.CutPrefix(line, "env:")
		if !ok {
			continue
		}
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "FOO", "PATH", "AWS_LAMBDA_RUNTIME_API", "PWD", "OLDPWD", "SHLVL", "_":
		default:
			t.Errorf("bootstrap inherited %s", kv)
		}
	}
	if inst.MaxMemoryBytes() <= 0 {
		t.Errorf("MaxMemoryBytes = %d after exit", inst.MaxMemoryBytes())
	}
}

func lineWith(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func TestDestroyKillsTheProcessGroup(t *testing.T) {
	inst, out := start(t, `#!/bin/sh
sleep 1000 &
echo "child=$!"
wait
`)
	out.waitFor(t, "child=")
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(lineWith(out.String(), "child="), "child=")))
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Destroy(); err != nil {
		t.Fatal(err)
	}
	if st := inst.ExitStatus(); st.Signal != "killed" {
		t.Errorf("exit status = %+v", st)
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d survived Destroy", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// alive reports whether pid runs (a zombie waiting for its reaper does not).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc here: trust kill(2)
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func TestInvalidEntrypoint(t *testing.T) {
	b, _ := New(Options{})
	inst, err := b.Create(context.Background(), sandbox.Spec{
		ID: "p2", CodeDir: t.TempDir(), Command: []string{"/var/task/bootstrap"}, MemoryMB: 128, TmpMB: 512,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Destroy()
	err = inst.Start()
	if !errors.Is(err, sandbox.ErrInvalidEntrypoint) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Start = %v, want ErrInvalidEntrypoint", err)
	}
	select {
	case <-inst.Exited():
	default:
		t.Error("Exited not closed after a failed Start")
	}
}

func TestDestroyBeforeStart(t *testing.T) {
	b, _ := New(Options{})
	inst, err := b.Create(context.Background(), sandbox.Spec{
		ID: "p3", CodeDir: t.TempDir(), Command: []string{"/var/task/bootstrap"}, MemoryMB: 128, TmpMB: 512,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Destroy(); err != nil {
		t.Fatal(err)
	}
	<-inst.Exited()
	if err := inst.Start(); err == nil {
		t.Error("Start after Destroy succeeded")
	}
}
