package linuxns

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// initArg0 is the argv[0] under which this binary re-executes itself as a
// sandbox's first process.
const initArg0 = "gust-sandbox-init"

// Descriptors the parent hands the init process (ExtraFiles start at 3).
const (
	fdControl = 3 // parent → init: the config as one JSON line, then a start byte
	fdStatus  = 4 // init → parent: JSON lines; closes on exec (close-on-exec)
	fdNetns   = 5 // the environment's network namespace
)

const startByte = 'S'

// envByte precedes a JSON line that replaces the bootstrap's environment:
// a pooled sandbox learns its function's before the start byte.
const envByte = 'E'

// initConfig is what the init process needs to build the sandbox.
type initConfig struct {
	Hostname   string
	CodeDir    string
	OptDir     string
	RuntimeDir string
	Command    []string
	Env        []string // complete, with AWS_LAMBDA_RUNTIME_API
	TmpMB      int
	ShmMB      int
	UID, GID   int
	NoFile     uint64
	// CodeSlave: CodeDir is a shared mount on the host (a pooled
	// sandbox); /var/task stays its slave so that the code mounted on it
	// at specialisation shows inside.
	CodeSlave bool
}

// initStatus is one message from the init process. Ready comes once the
// sandbox is built; a message with Error ends the init process.
type initStatus struct {
	Ready      bool   `json:"ready,omitempty"`
	Step       string `json:"step,omitempty"`
	Error      string `json:"error,omitempty"`
	Errno      int    `json:"errno,omitempty"`
	Entrypoint bool   `json:"entrypoint,omitempty"`
}

// stepError is a failed step of building the sandbox.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

func step(name string, err error) error {
	if err == nil {
		return nil
	}
	return &stepError{name, err}
}

// IsInit reports whether this process is a sandbox's init, which main must
// hand to RunInit before doing anything else.
func IsInit() bool {
	return len(os.Args) > 0 && os.Args[0] == initArg0
}

// RunInit is the sandbox side of Create and Start: it joins the prepared
// network namespace, builds the sandbox's root, drops privileges, installs
// the seccomp filter, waits for Start and execs the bootstrap. It returns
// only on failure, with the exit code to use; the parent learns why
// through the status pipe.
func RunInit() int {
	// Namespace membership, the parent-death signal and no_new_privs are
	// per thread; the bootstrap is exec'd from this one.
	runtime.LockOSThread()

	status := os.NewFile(fdStatus, "status")
	report := func(s initStatus) {
		b, _ := json.Marshal(s)
		_, _ = status.Write(append(b, '\n'))
	}
	// Failures go to the parent only: the function's output is its own.
	fail := func(err error) int {
		report(statusOf(err))
		return 1
	}
	if _, err := unix.FcntlInt(fdStatus, unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
		fmt.Fprintln(os.Stderr, "gust sandbox init: not started by the sandbox:", err)
		return 2
	}

	control := bufio.NewReader(os.NewFile(fdControl, "control"))
	line, err := control.ReadBytes('\n')
	if err != nil {
		return fail(step("reading the sandbox config", err))
	}
	var cfg initConfig
	if err := json.Unmarshal(line, &cfg); err != nil {
		return fail(step("reading the sandbox config", err))
	}
	if err := setup(&cfg); err != nil {
		return fail(err)
	}
	report(initStatus{Ready: true})

	b, err := control.ReadByte()
	if err == nil && b == envByte {
		line, rerr := control.ReadBytes('\n')
		if rerr != nil || json.Unmarshal(line, &cfg.Env) != nil {
			return 1 // the environment was destroyed while specialised
		}
		b, err = control.ReadByte()
	}
	if err != nil || b != startByte {
		return 1 // the environment was destroyed before Start
	}
	if cfg.CodeSlave {
		// The function's code was mounted on /var/task after setup
		// entered it: enter the mount.
		if err := unix.Chdir("/var/task"); err != nil {
			return fail(step("changing to /var/task", err))
		}
	}
	path, err := lookEntrypoint(&cfg)
	if err == nil {
		err = step("starting "+path, syscall.Exec(path, cfg.Command, cfg.Env))
	}
	st := statusOf(err)
	var errno syscall.Errno
	st.Entrypoint = !errors.As(err, &errno) || entrypointErrno(errno)
	report(st)
	return 127
}

// statusOf describes a failure for the parent.
func statusOf(err error) initStatus {
	s := initStatus{Step: "starting", Error: err.Error()}
	var se *stepError
	if errors.As(err, &se) {
		s.Step, s.Error = se.step, se.err.Error()
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s.Errno = int(errno)
	}
	return s
}

// setup turns this process into the sandbox, short of exec.
func setup(cfg *initConfig) error {
	if err := unix.Setns(fdNetns, unix.CLONE_NEWNET); err != nil {
		return step("joining the network namespace", err)
	}
	if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
		return step("setting the hostname", err)
	}
	if err := buildRoot(cfg); err != nil {
		return err
	}
	if err := unix.Chdir("/var/task"); err != nil {
		return step("changing to /var/task", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: cfg.NoFile, Max: cfg.NoFile}); err != nil {
		return step("limiting open files", err)
	}
	// Nothing of ours may reach the bootstrap but stdin, stdout and stderr.
	// Done while still root: unprivileged, /proc/self/fd becomes unreadable.
	if err := closeOnExecFrom(3); err != nil {
		return step("marking descriptors close-on-exec", err)
	}
	// syscall's Setgroups/Setgid/Setuid change every thread, not just this one.
	if err := syscall.Setgroups([]int{}); err != nil {
		return step("dropping supplementary groups", err)
	}
	if err := syscall.Setgid(cfg.GID); err != nil {
		return step("setting the group id", err)
	}
	if err := syscall.Setuid(cfg.UID); err != nil {
		return step("setting the user id", err)
	}
	// Changing credentials cleared the parent-death signal. If the server is
	// already gone, the control pipe reads EOF and we exit before exec.
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return step("setting the parent-death signal", err)
	}
	prog, err := seccompFilter()
	if err != nil {
		return step("building the seccomp filter", err)
	}
	return step("installing the seccomp filter", installSeccomp(prog))
}

// closeOnExecFrom marks every descriptor from lowfd up close-on-exec.
func closeOnExecFrom(lowfd int) error {
	err := unix.CloseRange(uint(lowfd), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil || !(errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL)) {
		return err
	}
	entries, err := os.ReadDir("/proc/self/fd") // before Linux 5.11
	if err != nil {
		return err
	}
	for _, e := range entries {
		var fd int
		if _, err := fmt.Sscan(e.Name(), &fd); err == nil && fd >= lowfd {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
	return nil
}

// lookEntrypoint finds Command[0]: a path as given (relative to /var/task),
// or a bare name in the PATH of the function's environment. It checks what
// execve would, so the usual mistakes get a clear message.
func lookEntrypoint(cfg *initConfig) (string, error) {
	name := cfg.Command[0]
	if !strings.Contains(name, "/") {
		pathEnv := "/usr/local/bin:/usr/bin:/bin"
		for _, kv := range cfg.Env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				pathEnv = v
			}
		}
		for _, dir := range filepath.SplitList(pathEnv) {
			if dir == "" {
				dir = "."
			}
			p := filepath.Join(dir, name)
			if executable(p) == nil {
				return p, nil
			}
		}
		return "", &stepError{"starting " + name, fmt.Errorf("not found in PATH %s: %w", pathEnv, unix.ENOENT)}
	}
	if err := executable(name); err != nil {
		return "", &stepError{"starting " + name, err}
	}
	return name, nil
}

func executable(path string) error {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return unix.EISDIR
	}
	return unix.Access(path, unix.X_OK) // as the sandbox user: access(2) uses the real uid
}

// entrypointErrno tells the function's fault (a bad bootstrap) from ours.
func entrypointErrno(e syscall.Errno) bool {
	switch e {
	case unix.ENOENT, unix.EACCES, unix.ENOEXEC, unix.ENOTDIR, unix.ELOOP, unix.EISDIR,
		unix.ENAMETOOLONG, unix.ELIBBAD, unix.ETXTBSY:
		return true
	}
	return false
}
