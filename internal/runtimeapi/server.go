package runtimeapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultMaxResponseBytes is Lambda's limit on a synchronous response,
// 6 MiB + 100 bytes (the emulator's interop.MaxPayloadSize).
const DefaultMaxResponseBytes = 6*1024*1024 + 100

// Options configures a Server. The zero value is ready to use.
type Options struct {
	// Logger receives the conversation at debug level and refused runtime
	// requests at warn level. Nil discards.
	Logger *slog.Logger
	// MaxResponseBytes caps the body of a posted result or error. Zero
	// means DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// Invocation is one event for the runtime and the context Lambda sends with
// it on GET /next.
type Invocation struct {
	// RequestID names the invocation; the runtime posts its result to
	// /invocation/{RequestID}/response. Required; it must fit in a URL
	// path segment as is (printable ASCII without / ? # % or space).
	RequestID string
	// Payload is the event, sent as the body of GET /next.
	Payload []byte
	// Deadline is sent as Lambda-Runtime-Deadline-Ms (Unix milliseconds).
	// Lambda always sends it and runtimes rely on it; zero omits it.
	Deadline time.Time
	// InvokedFunctionARN is sent as Lambda-Runtime-Invoked-Function-Arn.
	InvokedFunctionARN string
	// TraceID is sent as Lambda-Runtime-Trace-Id.
	TraceID string
	// ClientContext is the client context as raw JSON (already decoded
	// from X-Amz-Client-Context's base64), sent as
	// Lambda-Runtime-Client-Context.
	ClientContext string
	// CognitoIdentity is sent as Lambda-Runtime-Cognito-Identity.
	CognitoIdentity string
}

// Result is the outcome of one invocation.
type Result struct {
	// Payload is the runtime's response body, or, when Err is set, the
	// error document (Err.Body).
	Payload []byte
	// Err is set when the runtime posted /error, or its response broke a
	// rule (too large, streaming, cut off).
	Err *FunctionError
}

// Server is the Runtime API of one execution environment. Create it with
// NewServer, serve it with Serve, drive it with WaitInit and Invoke, and
// Close it when the environment goes away.
type Server struct {
	log     *slog.Logger
	limit   int64
	handler http.Handler
	http    *http.Server

	mu    sync.Mutex
	state state
	// changed is closed and replaced at every state change: waiters
	// select on it and then look at the state again.
	changed chan struct{}
	// call is the current invocation (or the last one); nil before the
	// first Invoke.
	call    *call
	initErr *FunctionError
	// waiting counts GET /next requests parked for work.
	waiting int
	// handlers counts running HTTP handlers so Close can wait for them.
	// Add happens under mu and only before closed is closed.
	handlers sync.WaitGroup

	special *specialization

	closed    chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// call is one Invoke in flight.
type call struct {
	inv  Invocation
	done chan struct{} // closed, under Server.mu, once res is set
	res  Result
}

// NewServer returns a Server waiting for its runtime to start.
func NewServer(o Options) *Server {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	limit := o.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	s := &Server{
		log:     log,
		limit:   limit,
		changed: make(chan struct{}),
		closed:  make(chan struct{}),
		special: newSpecialization(),
	}
	s.handler = s.track(s.routes())
	s.http = &http.Server{
		Handler:  s.handler,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		// No timeouts: GET /next waits as long as the environment idles,
		// and Close ends every connection.
	}
	return s
}

// Serve serves the Runtime API on l until Close, and returns nil after
// Close. It closes l.
func (s *Server) Serve(l net.Listener) error {
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serving runtime API: %w", err)
}

// Close stops serving, answers every waiting request, makes pending
// WaitInit and Invoke calls return ErrClosed, and waits for the handlers to
// return. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.applyLocked(eventClose)
		close(s.closed)
		s.mu.Unlock()
		if err := s.http.Close(); err != nil {
			s.closeErr = fmt.Errorf("closing runtime API: %w", err)
		}
		s.handlers.Wait()
	})
	return s.closeErr
}

// WaitInit blocks until the runtime's first GET /next (init done: nil), its
// POST /init/error (a *FunctionError with the runtime's error type and
// body), ctx's end (ctx.Err()) or Close (ErrClosed).
func (s *Server) WaitInit(ctx context.Context) error {
	for {
		s.mu.Lock()
		st, changed, initErr := s.state, s.changed, s.initErr
		s.mu.Unlock()
		switch {
		case initErr != nil:
			return initErr
		case st == stateClosed:
			return ErrClosed
		case st != stateStarted:
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			// A runtime exits right after its init error is accepted; a
			// context ended by that exit must not hide the error.
			s.mu.Lock()
			initErr = s.initErr
			s.mu.Unlock()
			if initErr != nil {
				return initErr
			}
			return ctx.Err()
		case <-s.closed:
		}
	}
}

// Invoke hands inv to the runtime's pending (or next) GET /next and waits
// for its POST /response or /error.
//
// It returns the Result, or ctx.Err() when ctx ends first (the timeout: the
// Server then refuses further invocations with ErrAbandoned and the caller
// must destroy the environment), or ErrClosed. Calling it before WaitInit
// returned nil is ErrNotReady; while another Invoke is in flight, ErrBusy.
func (s *Server) Invoke(ctx context.Context, inv Invocation) (Result, error) {
	if err := inv.validate(); err != nil {
		return Result{}, err
	}
	c := &call{inv: inv, done: make(chan struct{})}

	s.mu.Lock()
	from, ok := s.applyLocked(eventInvoke)
	if !ok {
		err := s.invokeRefusedLocked(from)
		s.mu.Unlock()
		return Result{}, err
	}
	s.call = c
	s.mu.Unlock()
	s.log.DebugContext(ctx, "invocation queued", "request_id", inv.RequestID)

	select {
	case <-c.done:
		return c.res, nil
	case <-ctx.Done():
	case <-s.closed:
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-c.done: // the result arrived together with the end
		return c.res, nil
	default:
	}
	if ctx.Err() == nil {
		return Result{}, ErrClosed
	}
	if _, ok := s.applyLocked(eventAbandon); ok {
		s.log.WarnContext(ctx, "invocation abandoned", "request_id", inv.RequestID, "err", ctx.Err())
	}
	return Result{}, ctx.Err()
}

func (s *Server) invokeRefusedLocked(from state) error {
	switch from {
	case stateStarted:
		return ErrNotReady
	case stateInitError:
		return fmt.Errorf("%w: %w", ErrNotReady, s.initErr)
	case stateQueued, stateInvoking, stateReceiving:
		return ErrBusy
	case stateAbandoned:
		return ErrAbandoned
	case stateClosed:
		return ErrClosed
	}
	return fmt.Errorf("runtimeapi: invoke refused in state %s", from)
}

func (inv *Invocation) validate() error {
	if inv.RequestID == "" || len(inv.RequestID) > 256 {
		return fmt.Errorf("%w: request id must be 1 to 256 characters", ErrInvalidInvocation)
	}
	for _, c := range []byte(inv.RequestID) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("/?#%", c) >= 0 {
			return fmt.Errorf("%w: request id %q has a character that cannot stand in a URL path segment", ErrInvalidInvocation, inv.RequestID)
		}
	}
	for name, v := range map[string]string{
		headerInvokedARN:      inv.InvokedFunctionARN,
		headerTraceID:         inv.TraceID,
		headerClientContext:   inv.ClientContext,
		headerCognitoIdentity: inv.CognitoIdentity,
	} {
		// net/http turns CR and LF into spaces (harmless between JSON
		// tokens); other control bytes would corrupt the response.
		for _, c := range []byte(v) {
			if (c < ' ' && c != '\t' && c != '\r' && c != '\n') || c == 0x7f {
				return fmt.Errorf("%w: %s has a control character", ErrInvalidInvocation, name)
			}
		}
	}
	return nil
}

// applyLocked moves the state machine by e if the current state allows it,
// waking every waiter when the state changes. It returns the state e was
// applied to (or refused in). s.mu must be held.
func (s *Server) applyLocked(e event) (from state, ok bool) {
	from = s.state
	next, ok := from.on(e)
	if !ok {
		return from, false
	}
	if next != from {
		s.state = next
		close(s.changed)
		s.changed = make(chan struct{})
	}
	return from, true
}

// finish records the result of the invocation being received and hands it
// to Invoke. It fails if the state left Receiving meanwhile (abandoned or
// closed).
func (s *Server) finish(c *call, res Result) (from state, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from, ok = s.applyLocked(eventReceived)
	if !ok {
		return from, false
	}
	c.res = res
	close(c.done)
	return from, true
}

// errorResult is the Result of an invocation that failed with fe.
func errorResult(fe *FunctionError) Result {
	return Result{Payload: fe.Body, Err: fe}
}
