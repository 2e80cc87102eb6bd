package linuxns

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"gust/internal/sandbox"
	"gust/internal/sandbox/internal/output"
)

const (
	createTimeout = 30 * time.Second // cap on building a sandbox when ctx has no deadline
	startTimeout  = 10 * time.Second // exec of the bootstrap
	killTimeout   = 10 * time.Second
	shmMB         = 64
	noFile        = 1024 // Lambda's open-file limit
)

// Backend runs each environment in its own namespaces and cgroups.
type Backend struct {
	opts Options
	log  *slog.Logger
	cg   *cgroupHost
}

// Available reports why this host cannot run the namespace backend, or nil
// if it can: it needs root with CAP_SYS_ADMIN, mount, PID, IPC, UTS and
// network namespaces, seccomp, and writable memory and pids cgroups.
func Available() error {
	if err := checkHost(); err != nil {
		return err
	}
	layout, err := detectCgroups()
	if err != nil {
		return err
	}
	if err := layout.probe(); err != nil {
		return err
	}
	ns, ln, err := newNetns("127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("making a network namespace: %w", err)
	}
	_ = ln.Close()
	return ns.Close()
}

func checkHost() error {
	if uid := os.Geteuid(); uid != 0 {
		return fmt.Errorf("namespace isolation needs root (running as uid %d)", uid)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil || caps&(1<<unix.CAP_SYS_ADMIN) == 0 {
				return errors.New("namespace isolation needs CAP_SYS_ADMIN")
			}
		}
	}
	for _, ns := range []string{"mnt", "pid", "ipc", "uts", "net"} {
		if _, err := os.Stat("/proc/self/ns/" + ns); err != nil {
			return fmt.Errorf("the kernel has no %s namespaces: %w", ns, err)
		}
	}
	if _, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("the kernel has no seccomp: %w", err)
	}
	if _, err := seccompFilter(); err != nil {
		return err
	}
	return nil
}

// New prepares the backend: it checks the host and makes the parent
// cgroups.
func New(opts Options) (*Backend, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkHost(); err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	layout, err := detectCgroups()
	if err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	cg, err := layout.prepare(opts.CgroupParent, opts.Logger)
	if err != nil {
		return nil, fmt.Errorf("linuxns: %w", err)
	}
	var dirs []string
	for _, p := range cg.parents {
		dirs = append(dirs, p.own)
	}
	opts.Logger.Debug("namespace sandbox ready", "cgroup_v2", cg.v2, "cgroups", dirs)
	return &Backend{opts: opts, log: opts.Logger, cg: cg}, nil
}

// Name is "namespace".
func (b *Backend) Name() string { return "namespace" }

// Isolation: contained, with a network of its own.
func (b *Backend) Isolation() sandbox.Isolation {
	return sandbox.Isolation{Contained: true, OwnNetwork: true}
}

// Create builds the environment up to the point of exec: network namespace
// with the Runtime API listener, cgroups, and the init process, which has
// made the root file system, dropped privileges and loaded the seccomp
// filter, and waits for Start.
func (b *Backend) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	return b.create(ctx, spec, false)
}

// CreatePooled is Create for a sandbox whose /var/task is spec.CodeDir made
// a shared mount point, for Specialize to mount a function's code on.
func (b *Backend) CreatePooled(ctx context.Context, spec sandbox.Spec) (sandbox.PooledInstance, error) {
	return b.create(ctx, spec, true)
}

func (b *Backend) create(ctx context.Context, spec sandbox.Spec, pooled bool) (*instance, error) {
	spec = spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	// The init process resolves paths from /, not from our working directory.
	for _, dir := range []*string{&spec.CodeDir, &spec.OptDir, &spec.RuntimeDir} {
		if *dir != "" {
			abs, err := filepath.Abs(*dir)
			if err != nil {
				return nil, err
			}
			*dir = abs
		}
	}
	began := time.Now()
	i := &instance{id: spec.ID, log: b.log, exited: make(chan struct{}), pidsMax: b.opts.PidsMax}
	ok := false
	defer func() {
		if !ok {
			_ = i.Destroy()
		}
	}()

	var err error
	if pooled {
		if err := makeSharedMount(spec.CodeDir); err != nil {
			return nil, err
		}
		i.taskDir = spec.CodeDir
	}
	if i.netns, i.ln, err = newNetns(RuntimeAPIAddr); err != nil {
		return nil, fmt.Errorf("preparing the network: %w", err)
	}
	i.cg, err = b.cg.create(spec.ID, limits{memoryBytes: int64(spec.MemoryMB) << 20, memoryMB: spec.MemoryMB, pidsMax: b.opts.PidsMax})
	if err != nil {
		return nil, fmt.Errorf("preparing cgroups: %w", err)
	}
	if i.streams, err = output.NewStreams(spec.Stdout, spec.Stderr); err != nil {
		return nil, fmt.Errorf("preparing output: %w", err)
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	i.control = ctlW
	statR, statW, err := os.Pipe()
	if err != nil {
		_ = ctlR.Close()
		return nil, err
	}
	i.status, i.statusR = statR, bufio.NewReader(statR)

	i.cmd = &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{initArg0},
		Env:        []string{},
		Dir:        "/",
		Stdout:     i.streams.Stdout,
		Stderr:     i.streams.Stderr,
		ExtraFiles: []*os.File{ctlR, statW, i.netns}, // fdControl, fdStatus, fdNetns
		SysProcAttr: &syscall.SysProcAttr{
			// Not CLONE_NEWNET: the init process joins the prepared one.
			Cloneflags: unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS,
			// A session of its own: no controlling terminal, so /dev/tty
			// cannot reach the terminal the server runs in.
			Setsid: true,
		},
	}
	err = spawn(i.cmd)
	_ = ctlR.Close()
	_ = statW.Close()
	i.streams.Started()
	if err != nil {
		i.cmd = nil
		return nil, fmt.Errorf("starting the sandbox init: %w", err)
	}
	go i.wait()

	if err := i.cg.join(i.cmd.Process.Pid); err != nil {
		return nil, fmt.Errorf("joining cgroups: %w", err)
	}
	cfg, err := json.Marshal(initConfig{
		Hostname:   spec.ID,
		CodeDir:    spec.CodeDir,
		OptDir:     spec.OptDir,
		RuntimeDir: spec.RuntimeDir,
		Command:    spec.Command,
		Env:        spec.Environ(RuntimeAPIAddr),
		TmpMB:      spec.TmpMB,
		ShmMB:      shmMB,
		UID:        b.opts.UID,
		GID:        b.opts.GID,
		NoFile:     noFile,
		CodeSlave:  pooled,
	})
	if err != nil {
		return nil, err
	}
	if _, err := ctlW.Write(append(cfg, '\n')); err != nil {
		return nil, fmt.Errorf("configuring the sandbox init: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	_ = statR.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = statR.SetReadDeadline(time.Now()) })
	st, err := i.readStatus()
	stop()
	_ = statR.SetReadDeadline(time.Time{})
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil:
		return nil, fmt.Errorf("waiting for the sandbox init: %w", ctx.Err())
	case err != nil:
		return nil, i.initDied(err)
	case !st.Ready:
		return nil, st.err()
	}
	ok = true
	b.log.Debug("sandbox created", "id", spec.ID, "pid", i.cmd.Process.Pid, "took", time.Since(began))
	return i, nil
}

// readStatus reads one message from the init process.
func (i *instance) readStatus() (initStatus, error) {
	var st initStatus
	line, err := i.statusR.ReadBytes('\n')
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(line, &st); err != nil {
		return st, fmt.Errorf("reading the sandbox init's status %q: %w", line, err)
	}
	return st, nil
}

// initDied explains a status pipe that closed before the init process said
// anything: it died, most likely because main does not call RunInit.
func (i *instance) initDied(err error) error {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		select {
		case <-i.exited:
			return fmt.Errorf("sandbox init exited (%s) before it was ready; does main call linuxns.RunInit when linuxns.IsInit()?", i.exit)
		case <-time.After(time.Second):
		}
	}
	return fmt.Errorf("waiting for the sandbox init: %w", err)
}

// err turns a failure message into an error.
func (s initStatus) err() error {
	var cause error = errors.New(s.Error)
	if s.Errno != 0 {
		cause = errnoError{syscall.Errno(s.Errno), s.Error}
	}
	return &sandbox.InitError{Step: s.Step, Err: cause, Entrypoint: s.Entrypoint}
}

// errnoError keeps the init process's message while matching the errno.
type errnoError struct {
	errno syscall.Errno
	msg   string
}

func (e errnoError) Error() string { return e.msg }
func (e errnoError) Unwrap() error { return e.errno }
