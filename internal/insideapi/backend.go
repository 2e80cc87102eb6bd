package insideapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"gust/internal/sandbox"
)

// Outbound modes: what a function's network reaches.
const (
	OutboundNone = "none" // nothing: no Gust endpoint inside
	OutboundGust = "gust" // Gust's API, served inside each environment
	OutboundFull = "full" // gust, and the network through NAT (package egress)
)

// InsideAddress is where Gust's API listens inside an environment.
const InsideAddress = "127.0.0.1:9000"

// Pair is a function's temporary credentials.
type Pair struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
}

// Credentials issues the credentials of a function's execution role
// (package iam's FunctionCredentials).
type Credentials func(ctx context.Context, function, role string) (Pair, error)

// Options wire a Backend.
type Options struct {
	Backend     sandbox.Backend
	Credentials Credentials
	// Handler is Gust's API, served inside each environment that can listen
	// inside; nil serves nothing.
	Handler http.Handler
	// Endpoint is AWS_ENDPOINT_URL for environments that cannot listen
	// inside (the process backend shares the host's network); "" sets none.
	Endpoint string
	Logger   *slog.Logger
}

// Backend is a sandbox.Backend whose environments can call Gust.
type Backend struct {
	o Options
}

// NewBackend wraps o.Backend.
func NewBackend(o Options) *Backend {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Backend{o: o}
}

// Name is the wrapped backend's.
func (b *Backend) Name() string { return b.o.Backend.Name() }

// inside tells whether environments get Gust's API inside their own
// network. Whether an environment can listen inside is known only once it
// exists; the backend's name says it in advance.
func (b *Backend) inside() bool {
	return b.o.Handler != nil && b.o.Backend.Name() == "namespace"
}

// FunctionEnv is what every environment of function gets: its execution
// role's temporary credentials and, when it can reach Gust,
// AWS_ENDPOINT_URL; and when those credentials expire (the environment
// must be retired before). The environments package adds them to the
// function's environment, also when a pooled sandbox is given to the
// function later.
func (b *Backend) FunctionEnv(ctx context.Context, function, role string) ([]string, time.Time, error) {
	p, err := b.o.Credentials(ctx, function, role)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("issuing credentials of %s: %w", function, err)
	}
	env := []string{"AWS_ACCESS_KEY_ID=" + p.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + p.SecretAccessKey, "AWS_SESSION_TOKEN=" + p.SessionToken}
	switch {
	case b.inside():
		env = append(env, "AWS_ENDPOINT_URL=http://"+InsideAddress)
	case b.o.Endpoint != "":
		env = append(env, "AWS_ENDPOINT_URL="+b.o.Endpoint)
	}
	return env, p.Expiration, nil
}

// Create creates the environment and serves the Handler inside it when it
// can. A pooled sandbox is created before its function is known: the
// Handler authenticates every call by the caller's own signature, so
// serving it inside from the start is safe.
func (b *Backend) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	inst, err := b.o.Backend.Create(ctx, spec)
	if err != nil || !b.inside() {
		return inst, err
	}
	il, ok := inst.(sandbox.InsideListener)
	if !ok {
		_ = inst.Destroy()
		return nil, errors.New("sandbox: backend cannot listen inside environments")
	}
	ln, err := il.ListenInside(InsideAddress)
	if err != nil {
		_ = inst.Destroy()
		return nil, fmt.Errorf("listening inside the environment: %w", err)
	}
	w := &instance{Instance: inst, srv: &http.Server{Handler: b.o.Handler, ReadHeaderTimeout: 10 * time.Second}, served: make(chan struct{})}
	go func() {
		defer close(w.served)
		_ = w.srv.Serve(ln)
	}()
	return w, nil
}

// instance owns the server inside one environment.
type instance struct {
	sandbox.Instance
	srv       *http.Server
	served    chan struct{}
	closeOnce sync.Once
}

// Destroy stops the inside server, waits for it, then destroys the
// environment.
func (i *instance) Destroy() error {
	i.closeOnce.Do(func() {
		_ = i.srv.Close()
		<-i.served
	})
	return i.Instance.Destroy()
}

// Freeze and Thaw, and Specialize, keep the wrapped instance's optional
// capabilities visible; callers only use them on instances that have them
// (a pooled sandbox is specialised; a namespace sandbox freezes).
func (i *instance) Freeze(ctx context.Context) error {
	if f, ok := i.Instance.(sandbox.Freezer); ok {
		return f.Freeze(ctx)
	}
	return errors.ErrUnsupported
}

// Thaw resumes a frozen environment.
func (i *instance) Thaw() error {
	if f, ok := i.Instance.(sandbox.Freezer); ok {
		return f.Thaw()
	}
	return errors.ErrUnsupported
}

// Specialize gives a pooled sandbox to one function.
func (i *instance) Specialize(codeDir string, memoryMB int, env []string) error {
	if s, ok := i.Instance.(sandbox.Specializer); ok {
		return s.Specialize(codeDir, memoryMB, env)
	}
	return errors.ErrUnsupported
}
