package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
)

// RuntimeAPIEnv is the variable through which a bootstrap finds the Runtime
// API. Backends set it; a value in Spec.Env is replaced.
const RuntimeAPIEnv = "AWS_LAMBDA_RUNTIME_API"

// Spec describes one execution environment.
type Spec struct {
	// ID is unique per environment, [a-z0-9-]{1,48}. It names the
	// environment's cgroups and is its hostname.
	ID string
	// CodeDir is the host directory mounted read-only at /var/task. Its
	// directories must be world-readable and searchable and its files
	// world-readable: the bootstrap runs as an unprivileged user.
	CodeDir string
	// OptDir is the host directory mounted read-only at /opt; "" gives an
	// empty read-only /opt.
	OptDir string
	// RuntimeDir is the host directory mounted read-only at /var/runtime;
	// "" leaves /var/runtime out.
	RuntimeDir string
	// Command is the bootstrap's argv. Command[0] is a path inside the
	// sandbox, such as /var/task/bootstrap, used as given; a name without a
	// slash is searched in the PATH of Env.
	Command []string
	// Env is the bootstrap's complete environment: nothing is inherited
	// from the server. The backend appends AWS_LAMBDA_RUNTIME_API.
	Env []string
	// MemoryMB is the memory limit, swap not allowed; 0 means Lambda's
	// default of 128.
	MemoryMB int
	// TmpMB is the size of the private /tmp; 0 means Lambda's default of
	// 512.
	TmpMB int
	// Stdout and Stderr receive the function's output and may be the same
	// writer; nil discards. An *os.File is handed to the bootstrap as its
	// own descriptor (as os/exec does), so the caller may close its copy
	// once Start returns. Any other writer is fed by goroutines the
	// Instance owns, through a bounded buffer that drops output rather
	// than block the function when the writer is slow; Destroy waits for
	// them.
	Stdout, Stderr io.Writer
}

// Lambda's defaults for a zero MemoryMB and TmpMB.
const (
	DefaultMemoryMB = 128
	DefaultTmpMB    = 512
)

var idPattern = regexp.MustCompile(`^[a-z0-9-]{1,48}$`)

// WithDefaults returns the spec with a zero MemoryMB or TmpMB replaced by
// Lambda's default. Backends call it before Validate.
func (s Spec) WithDefaults() Spec {
	if s.MemoryMB == 0 {
		s.MemoryMB = DefaultMemoryMB
	}
	if s.TmpMB == 0 {
		s.TmpMB = DefaultTmpMB
	}
	return s
}

// Validate reports the first thing wrong with the spec.
func (s Spec) Validate() error {
	switch {
	case !idPattern.MatchString(s.ID):
		return fmt.Errorf("sandbox spec: ID %q is not [a-z0-9-]{1,48}", s.ID)
	case s.CodeDir == "":
		return errors.New("sandbox spec: CodeDir is empty")
	case len(s.Command) == 0 || s.Command[0] == "":
		return errors.New("sandbox spec: Command is empty")
	case s.MemoryMB <= 0:
		return fmt.Errorf("sandbox spec: MemoryMB %d is not positive", s.MemoryMB)
	case s.TmpMB <= 0:
		return fmt.Errorf("sandbox spec: TmpMB %d is not positive", s.TmpMB)
	}
	for _, kv := range s.Env {
		if !strings.Contains(kv, "=") || strings.ContainsRune(kv, 0) {
			return fmt.Errorf("sandbox spec: environment entry %q is not NAME=value", kv)
		}
	}
	for _, a := range s.Command {
		if strings.ContainsRune(a, 0) {
			return errors.New("sandbox spec: Command contains a NUL byte")
		}
	}
	return nil
}

// Environ is Env with AWS_LAMBDA_RUNTIME_API set to addr (replacing any
// value the spec carried: the first of two duplicates wins in getenv).
func (s Spec) Environ(addr string) []string {
	env := make([]string, 0, len(s.Env)+1)
	for _, kv := range s.Env {
		if !strings.HasPrefix(kv, RuntimeAPIEnv+"=") {
			env = append(env, kv)
		}
	}
	return append(env, RuntimeAPIEnv+"="+addr)
}

// Backend makes execution environments.
type Backend interface {
	// Name names the backend in logs ("namespace", "process"); decide
	// nothing by it: ask Isolation, or for an optional capability.
	Name() string
	// Isolation is what every environment of this backend is kept apart
	// by; it is known before any environment exists.
	Isolation() Isolation
	// Create prepares an environment's isolation and its Runtime API
	// listener. It does not start the bootstrap.
	Create(ctx context.Context, spec Spec) (Instance, error)
}

// Isolation is what a backend's environments are kept apart by. A
// backend states it once, truthfully; callers decide by its fields, never
// by the backend's Name.
type Isolation struct {
	// Contained: each environment has mount, PID, IPC and UTS namespaces
	// of its own, a read-only root, cgroup limits on memory and
	// processes, an unprivileged user and a seccomp filter. When false
	// the bootstrap is a plain process with the server's user, files and
	// network, and no memory limit: fit for trusted code only.
	Contained bool
	// OwnNetwork: each environment has a network namespace of its own,
	// with only its loopback until an Uplink is attached, and its
	// instances implement InsideListener and UplinkAttacher. When false
	// environments share the host's network.
	OwnNetwork bool
}

// Pooler is an optional Backend capability: make sandboxes before their
// function is known, to give one to a function later (Specialize).
type Pooler interface {
	// CreatePooled is Create for a sandbox that is not yet any
	// function's: spec.CodeDir must be an empty directory of its own,
	// which the backend turns into a mount point whose later mounts show
	// at /var/task. Its limits are those of spec until Specialize.
	CreatePooled(ctx context.Context, spec Spec) (PooledInstance, error)
}

// PooledInstance is an Instance made by CreatePooled.
type PooledInstance interface {
	Instance
	// Specialize gives the sandbox to one function by mounting its code
	// read-only at /var/task and setting its memory limit (and the CPU
	// share that follows from it). Before Start, env (when not nil)
	// replaces the Spec's Env, so that a sandbox built before its
	// function was known runs that function's own bootstrap
	// (/var/task/bootstrap) with its environment. Call it at most once.
	Specialize(codeDir string, memoryMB int, env []string) error
}

// LeftoverSweeper is an optional Backend capability: undo what pooled
// sandboxes of an earlier run that did not stop cleanly (a killed server)
// left in dir, the directory given to them as Spec.CodeDir's parent: the
// mounts on those directories, then the directories. Call it before
// creating sandboxes there.
type LeftoverSweeper interface {
	SweepLeftovers(dir string) error
}

// Instance is one execution environment.
type Instance interface {
	// Listener is where the caller serves the Runtime API; it is already
	// listening.
	Listener() net.Listener
	// RuntimeAPIAddr is the listener's address as the bootstrap sees it.
	RuntimeAPIAddr() string
	// Start starts the bootstrap. Call it once, after the caller began
	// serving Listener. An error that is the function's fault (missing or
	// non-executable Command[0]) matches ErrInvalidEntrypoint.
	Start() error
	// Exited is closed when the bootstrap exits.
	Exited() <-chan struct{}
	// ExitStatus is how the bootstrap exited; valid once Exited is closed.
	ExitStatus() ExitStatus
	// MaxMemoryBytes is the environment's peak memory use, 0 where unknown.
	MaxMemoryBytes() int64
	// OOMKills is how many processes the kernel killed for exceeding the
	// environment's memory limit.
	OOMKills() int
	// Destroy kills every process of the environment, waits for them and
	// releases everything the environment holds. It is idempotent.
	Destroy() error
}

// InsideListener is an optional Instance capability: listen on another
// address inside the environment's own network, for example to serve the
// Gust API to the function at 127.0.0.1:9000. The caller closes the
// listener; Destroy does not.
type InsideListener interface {
	ListenInside(address string) (net.Listener, error)
}

// Uplink connects a network namespace to a network outside it; package
// egress gives each environment a veth pair to the host with a default
// route out. Closing what Attach returns disconnects the namespace again.
type Uplink interface {
	Attach(netns *os.File) (io.Closer, error)
}

// UplinkAttacher is an optional Instance capability: connect the
// environment's own network namespace through an Uplink. Call it before
// Start, at most once. Destroy closes the attachment once the
// environment's processes are gone, before it releases the namespace.
type UplinkAttacher interface {
	AttachUplink(Uplink) error
}

// An Attachment gives environments something their backend does not
// make: Gust's API inside each environment (package insideapi), a path to
// the network (package egress); a layer's or an extension's files would be
// one too. Whoever creates environments (package envs) attaches every
// Attachment to every new instance, pooled ones included, after Create and
// before anything runs in it, and closes what Attach returned (nil: nothing
// to close) before Destroy. An Attachment works only through the
// instance's own optional capabilities (InsideListener, UplinkAttacher) and
// fails when the instance lacks the one it needs: it wraps nothing, so it
// can neither hide a capability the instance has nor claim one it lacks.
type Attachment interface {
	Attach(Instance) (io.Closer, error)
}

// Attach attaches each of as to inst, in order. On failure it detaches what
// it had attached and returns the error; the caller destroys inst. Closing
// the result detaches every attachment, the last attached first.
func Attach(inst Instance, as []Attachment) (io.Closer, error) {
	var d detachers
	for _, a := range as {
		c, err := a.Attach(inst)
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		if c != nil {
			d = append(d, c)
		}
	}
	return d, nil
}

// detachers closes its closers in reverse order.
type detachers []io.Closer

func (d detachers) Close() error {
	var errs []error
	for i := len(d) - 1; i >= 0; i-- {
		if err := d[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ExitStatus is how a bootstrap exited.
type ExitStatus struct {
	// Code is the exit code, or -1 when a signal ended the process.
	Code int
	// Signal is "" or the signal's name as Go prints it, e.g. "killed".
	Signal string
}

// ErrInvalidEntrypoint matches errors from Start that are the function's
// fault: Command[0] is missing, not executable, or not a valid executable.
var ErrInvalidEntrypoint = errors.New("invalid entrypoint")

// InitError is a failure while preparing or starting an environment,
// reported by the sandbox itself: "sandbox init: mounting /var/task: no such
// file or directory".
type InitError struct {
	Step       string // what the sandbox was doing, e.g. "mounting /var/task"
	Err        error  // the cause; a syscall.Errno where the kernel refused
	Entrypoint bool   // the function's fault: matches ErrInvalidEntrypoint
}

func (e *InitError) Error() string {
	return "sandbox init: " + e.Step + ": " + e.Err.Error()
}

// Unwrap lets errors.Is see the cause (e.g. fs.ErrNotExist through a
// syscall.Errno) and ErrInvalidEntrypoint.
func (e *InitError) Unwrap() []error {
	if e.Entrypoint {
		return []error{e.Err, ErrInvalidEntrypoint}
	}
	return []error{e.Err}
}

// String reads like Go's os.ProcessState: "exit status 2", "signal: killed".
func (s ExitStatus) String() string {
	if s.Signal != "" {
		return "signal: " + s.Signal
	}
	return fmt.Sprintf("exit status %d", s.Code)
}
