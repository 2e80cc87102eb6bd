package envs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"sync"
	"time"

	"gust/internal/ids"
	"gust/internal/runtimeapi"
	"gust/internal/runtimes"
	"gust/internal/sandbox"
)

// InitTimeout is Lambda's limit on the init phase.
const InitTimeout = 10 * time.Second

// Environment is one execution environment.
type Environment struct {
	cfg    Config
	id     string
	stream string
	inst   sandbox.Instance
	detach io.Closer // the sandbox's attachments
	rapi   *runtimeapi.Server
	logs   *logPipe
	log    *slog.Logger

	serveDone chan struct{}

	mu           sync.Mutex
	state        State
	initDuration time.Duration // reported once, on the first invocation
	lastUsed     time.Time
	idleUntil    time.Time // an idle environment is unloaded after this
	provisioned  bool      // kept initialised by provisioned concurrency

	// Pooled environments only: the host directory behind /var/task and
	// the runtime's own variables, added to the function's at
	// specialisation.
	taskDir   string
	pooled    sandbox.PooledInstance // inst, until specialised
	launchEnv []string
	started   bool // its runtime was started before it was specialised
}

// move applies ev under e.mu.
func (e *Environment) move(ev Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := next(e.state, ev)
	if err != nil {
		return err
	}
	e.state = s
	return nil
}

// State reports the environment's state.
func (e *Environment) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state
}

// start creates the sandbox, starts the bootstrap and waits until the
// runtime asks for its first event. A failure is returned as a
// *FunctionError when it is the function's fault (Lambda reports those to
// the caller) and as a plain error otherwise.
func start(ctx context.Context, sb sandboxes, cfg Config, launch runtimes.Launch, sink LogSink, log *slog.Logger, requestID string) (*Environment, error) {
	var err error
	id := ids.Hex(16)
	e := &Environment{
		cfg:       cfg,
		id:        id,
		stream:    time.Now().UTC().Format("2006/01/02") + "/[" + cfg.Version + "]" + id,
		rapi:      runtimeapi.NewServer(runtimeapi.Options{Logger: log}),
		log:       log.With("function", cfg.Function, "env", id[:8]),
		serveDone: make(chan struct{}),
		state:     Starting,
	}
	e.logs, err = newLogPipe(sink, cfg.LogGroup, e.stream)
	if err != nil {
		return nil, fmt.Errorf("creating log pipe: %w", err)
	}
	e.logs.beginInvocation() // a cold invocation's log starts with init's output
	e.logInitStart()
	began := time.Now()
	e.inst, e.detach, err = sb.create(ctx, sandbox.Spec{
		ID:         id[:12],
		CodeDir:    cfg.CodeDir,
		OptDir:     cfg.OptDir,
		RuntimeDir: launch.RuntimeDir,
		Command:    launch.Command,
		Env:        cfg.environ(e.stream, launch.Env),
		MemoryMB:   cfg.MemoryMB,
		TmpMB:      cfg.TmpMB,
		Stdout:     e.logs.w,
		Stderr:     e.logs.w,
	})
	if err != nil {
		e.logs.close()
		return nil, fmt.Errorf("creating sandbox: %w", err)
	}
	go func() {
		defer close(e.serveDone)
		_ = e.rapi.Serve(e.inst.Listener())
	}()
	if err := e.inst.Start(); err != nil {
		e.destroy()
		return nil, platformError(ErrInvalidEntrypoint, requestID, "%v", err)
	}
	_ = e.logs.w.Close() // the bootstrap holds its own copy now
	if err := e.move(EvStarted); err != nil {
		e.destroy()
		return nil, err
	}
	if err := e.finishInit(ctx, requestID, began); err != nil {
		return nil, err
	}
	return e, nil
}

// finishInit waits for the runtime's first /next; on failure it reports
// INIT_REPORT and destroys the environment.
func (e *Environment) finishInit(ctx context.Context, requestID string, began time.Time) error {
	err := e.waitInit(ctx, requestID)
	// What init printed comes before any line the platform adds next.
	e.logs.drain()
	if err != nil {
		var fe *FunctionError
		if errors.As(err, &fe) {
			e.logInitError(time.Since(began), fe.Type)
			fe.Log = e.logs.endInvocation()
		}
		e.destroy()
		return err
	}
	e.initDuration = time.Since(began)
	e.lastUsed = time.Now()
	e.log.Debug("environment ready", "init", e.initDuration)
	return nil
}

func (e *Environment) waitInit(ctx context.Context, requestID string) error {
	ctx, cancel := context.WithTimeout(ctx, InitTimeout)
	defer cancel()
	ctx, stop := e.cancelOnExit(ctx)
	defer stop()
	err := e.rapi.WaitInit(ctx)
	var fe *runtimeapi.FunctionError
	switch {
	case err == nil:
		return e.move(EvInitDone)
	case errors.As(err, &fe):
		return &FunctionError{Type: fe.Type, Body: fe.Body}
	case e.exited():
		return e.exitError(requestID)
	case errors.Is(err, context.DeadlineExceeded):
		return platformError(ErrInitTimeout, requestID, "Init phase timed out after %.2f seconds", InitTimeout.Seconds())
	default:
		return err
	}
}

// cancelOnExit returns a context that is also cancelled when the bootstrap
// exits, so a dead runtime never leaves a caller waiting.
func (e *Environment) cancelOnExit(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := make(chan struct{})
	go func() {
		select {
		case <-e.inst.Exited():
			cancel()
		case <-stop:
		case <-ctx.Done():
		}
	}()
	return ctx, func() { close(stop); cancel() }
}

func (e *Environment) exited() bool {
	select {
	case <-e.inst.Exited():
		return true
	default:
		return false
	}
}

// exitError reports how the bootstrap died, as Lambda words it.
func (e *Environment) exitError(requestID string) *FunctionError {
	st := e.inst.ExitStatus()
	detail := fmt.Sprintf("exit status %d", st.Code)
	if st.Signal != "" {
		detail = "signal: " + st.Signal
	}
	if e.inst.OOMKills() > 0 {
		return platformError(ErrOutOfMemory, requestID, "Runtime exited with error: %s", detail)
	}
	if st.Code == 0 && st.Signal == "" {
		return platformError(ErrExit, requestID, "Runtime exited without providing a reason") // AWS's words for a clean exit
	}
	return platformError(ErrExit, requestID, "Runtime exited with error: %s", detail)
}

// Invocation is one event for an environment.
type Invocation struct {
	RequestID       string
	Payload         []byte
	ClientContext   string
	CognitoIdentity string
	TraceID         string
	InvokedARN      string
}

// Result is the outcome of one invocation.
type Result struct {
	Payload      []byte
	Err          *FunctionError // the function's or the platform's error
	Log          []byte         // the invocation's log lines, START to REPORT (last 4 KB)
	Duration     time.Duration
	BilledMs     int64
	InitDuration time.Duration // zero when warm
	MaxMemoryMB  int64
	// Reusable is false when the environment was destroyed by this
	// invocation (timeout, exit, out of memory).
	Reusable bool
}

// invoke runs one invocation. The environment must be Ready.
func (e *Environment) invoke(ctx context.Context, inv Invocation) (Result, error) {
	if err := e.move(EvInvokeBegin); err != nil {
		return Result{}, err
	}
	initDuration := e.initDuration
	e.initDuration = 0
	if initDuration == 0 {
		e.logs.beginInvocation()
	}
	e.logStart(inv.RequestID)
	began := time.Now()
	deadline := began.Add(e.cfg.Timeout)
	ictx, cancel := context.WithDeadline(ctx, deadline)
	ictx, stop := e.cancelOnExit(ictx)
	out, err := e.rapi.Invoke(ictx, runtimeapi.Invocation{
		RequestID:          inv.RequestID,
		Payload:            inv.Payload,
		Deadline:           deadline,
		InvokedFunctionARN: inv.InvokedARN,
		TraceID:            inv.TraceID,
		ClientContext:      inv.ClientContext,
		CognitoIdentity:    inv.CognitoIdentity,
	})
	stop()
	cancel()
	elapsed := time.Since(began)

	res := Result{Duration: elapsed, InitDuration: initDuration, Reusable: true}
	switch {
	case err == nil:
		res.Payload = out.Payload
		if out.Err != nil {
			res.Err = &FunctionError{Type: out.Err.Type, Body: out.Err.Body}
			// Runtimes exit after their response was refused as too
			// large (aws-lambda-go does); Lambda starts afresh too.
			res.Reusable = out.Err.Type != runtimeapi.ErrorTypeResponseSizeTooLarge
		}
	case e.exited():
		res.Err = e.exitError(inv.RequestID)
		res.Reusable = false
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		res.Err = platformError(ErrTimedOut, inv.RequestID, "Task timed out after %.2f seconds", e.cfg.Timeout.Seconds())
		e.logTimedOut(inv.RequestID)
		res.Reusable = false
	default:
		// The caller went away or the server is stopping: the runtime
		// still holds the event, so this environment cannot be reused.
		res.Reusable = false
		e.finishLog(&res, inv.RequestID)
		return res, err
	}
	ev := EvInvokeEnd
	if !res.Reusable {
		ev = EvFail
	}
	if err := e.move(ev); err != nil {
		return Result{}, err
	}
	e.finishLog(&res, inv.RequestID)
	return res, nil
}

// finishLog closes the invocation's log (END and REPORT) and collects it.
func (e *Environment) finishLog(res *Result, requestID string) {
	res.BilledMs = int64(math.Ceil(float64(res.Duration) / float64(time.Millisecond)))
	res.MaxMemoryMB = int64(math.Ceil(float64(e.inst.MaxMemoryBytes()) / (1 << 20)))
	e.logs.drain()
	e.logEnd(requestID, res)
	res.Log = e.logs.endInvocation()
	e.lastUsed = time.Now()
}

// destroy tears the environment down; safe to call more than once.
func (e *Environment) destroy() {
	e.mu.Lock()
	e.state = Dead
	e.mu.Unlock()
	_ = e.rapi.Close()
	if e.detach != nil {
		if err := e.detach.Close(); err != nil {
			e.log.Warn("detaching from the sandbox", "err", err)
		}
	}
	if e.inst != nil {
		if err := e.inst.Destroy(); err != nil {
			e.log.Warn("destroying sandbox", "err", err)
		}
		<-e.serveDone
	}
	e.logs.close()
	if e.taskDir != "" {
		if err := os.Remove(e.taskDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			e.log.Warn("removing pooled sandbox directory", "err", err)
		}
	}
}

// credentialsMargin is how long before its credentials expire an
// environment stops taking invocations: longer than the longest timeout.
const credentialsMargin = 20 * time.Minute

// credentialsExpiring reports that the environment's credentials expire
// before an invocation started now could end.
func (e *Environment) credentialsExpiring() bool {
	return !e.cfg.CredentialsExpire.IsZero() && time.Until(e.cfg.CredentialsExpire) < credentialsMargin
}
