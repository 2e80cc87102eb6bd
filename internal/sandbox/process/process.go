//go:build unix

package process

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"gust/internal/sandbox"
	"gust/internal/sandbox/internal/output"
)

const killTimeout = 10 * time.Second

// Options configures the process backend. The zero value is usable.
type Options struct {
	// Logger receives the backend's messages; nil discards.
	Logger *slog.Logger
}

// Backend runs environments as plain child processes.
type Backend struct {
	log *slog.Logger
}

// New returns the process backend.
func New(opts Options) (*Backend, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Backend{log: opts.Logger}, nil
}

// Name is "process".
func (b *Backend) Name() string { return "process" }

// Isolation: none; environments share the server's user, files and
// network.
func (b *Backend) Isolation() sandbox.Isolation { return sandbox.Isolation{} }

// Create opens the Runtime API listener on a random loopback port.
func (b *Backend) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	spec = spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the Runtime API: %w", err)
	}
	return &instance{spec: spec, ln: ln, log: b.log, exited: make(chan struct{})}, nil
}

type instance struct {
	spec   sandbox.Spec
	ln     net.Listener
	log    *slog.Logger
	exited chan struct{}
	exit   sandbox.ExitStatus // set before exited is closed

	mu        sync.Mutex
	cmd       *exec.Cmd
	streams   *output.Streams
	started   bool
	destroyed bool

	destroyOnce sync.Once
}

var _ sandbox.Instance = (*instance)(nil)

func (i *instance) Listener() net.Listener  { return i.ln }
func (i *instance) RuntimeAPIAddr() string  { return i.ln.Addr().String() }
func (i *instance) Exited() <-chan struct{} { return i.exited }
func (i *instance) OOMKills() int           { return 0 }

func (i *instance) ExitStatus() sandbox.ExitStatus {
	select {
	case <-i.exited:
		return i.exit
	default:
		return sandbox.ExitStatus{}
	}
}

// Start starts the bootstrap in its own session and process group.
func (i *instance) Start() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	switch {
	case i.destroyed:
		return errors.New("sandbox: Start after Destroy")
	case i.started:
		return errors.New("sandbox: Start called twice")
	}
	i.started = true

	argv := make([]string, len(i.spec.Command))
	for n, a := range i.spec.Command {
		argv[n] = i.hostPath(a)
	}
	env := i.spec.Environ(i.RuntimeAPIAddr())
	path, err := lookPath(argv[0], env)
	if err != nil {
		i.closeExited(sandbox.ExitStatus{Code: -1})
		return &sandbox.InitError{Step: "starting " + i.spec.Command[0], Err: err, Entrypoint: true}
	}
	streams, err := output.NewStreams(i.spec.Stdout, i.spec.Stderr)
	if err != nil {
		i.closeExited(sandbox.ExitStatus{Code: -1})
		return fmt.Errorf("preparing output: %w", err)
	}
	cmd := &exec.Cmd{
		Path:   path,
		Args:   argv,
		Env:    env,
		Dir:    i.spec.CodeDir,
		Stdout: streams.Stdout,
		Stderr: streams.Stderr,
		// Its own session: a process group to kill, and no controlling
		// terminal shared with the server; on Linux also Pdeathsig.
		SysProcAttr: sysProcAttr(),
	}
	err = cmd.Start()
	streams.Started()
	if err != nil {
		streams.Close(0)
		i.closeExited(sandbox.ExitStatus{Code: -1})
		return &sandbox.InitError{Step: "starting " + i.spec.Command[0], Err: err, Entrypoint: entrypointError(err)}
	}
	i.cmd, i.streams = cmd, streams
	go i.wait(cmd)
	return nil
}

// hostPath maps a path of the Lambda layout to the host directory behind it.
func (i *instance) hostPath(p string) string {
	for _, m := range []struct{ lambda, host string }{
		{"/var/task", i.spec.CodeDir}, {"/opt", i.spec.OptDir}, {"/var/runtime", i.spec.RuntimeDir},
	} {
		if m.host == "" {
			continue
		}
		if p == m.lambda {
			return m.host
		}
		if rest, ok := strings.CutPrefix(p, m.lambda+"/"); ok {
			return filepath.Join(m.host, rest)
		}
	}
	return p
}

func (i *instance) wait(cmd *exec.Cmd) {
	_ = cmd.Wait()
	st := sandbox.ExitStatus{Code: -1}
	if ps := cmd.ProcessState; ps != nil {
		if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			st.Signal = ws.Signal().String()
		} else {
			st.Code = ps.ExitCode()
		}
	}
	i.closeExited(st)
}

func (i *instance) closeExited(st sandbox.ExitStatus) {
	i.exit = st
	close(i.exited)
}

// MaxMemoryBytes is the bootstrap's own peak resident memory once it has
// exited (children not included), 0 before.
func (i *instance) MaxMemoryBytes() int64 {
	select {
	case <-i.exited:
	default:
		return 0
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.cmd == nil || i.cmd.ProcessState == nil {
		return 0
	}
	ru, ok := i.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) // bytes there, kilobytes elsewhere
	}
	return int64(ru.Maxrss) * 1024
}

// Destroy kills the bootstrap's process group and waits for the bootstrap.
func (i *instance) Destroy() error {
	var err error
	i.destroyOnce.Do(func() {
		i.mu.Lock()
		i.destroyed = true
		cmd, streams, started := i.cmd, i.streams, i.started
		i.mu.Unlock()
		if !started {
			i.closeExited(sandbox.ExitStatus{Code: -1, Signal: "killed"})
		}
		if cmd != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			select {
			case <-i.exited:
			case <-time.After(killTimeout):
				err = fmt.Errorf("bootstrap %d did not exit", cmd.Process.Pid)
			}
		}
		_ = i.ln.Close()
		if streams != nil {
			// A process that left the group may still hold the output pipe.
			streams.Close(time.Second)
		}
	})
	return err
}

// lookPath finds a bare command name in the PATH of the function's
// environment, not the server's.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	pathEnv := "/usr/local/bin:/usr/bin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv = v
		}
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		p := filepath.Join(dir, name)
		if err := syscall.Access(p, 1 /* X_OK */); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in PATH %s: %w", name, pathEnv, fs.ErrNotExist)
}

// entrypointError tells the function's fault (a bad bootstrap) from ours.
func entrypointError(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) ||
		errors.Is(err, syscall.ENOEXEC) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR)
}
