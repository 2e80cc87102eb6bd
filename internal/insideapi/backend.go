package insideapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"gust/internal/sandbox"
)

// Outbound modes: what a function's network reaches.
const (
	OutboundNone = "none" // nothing: no Gust endpoint inside
	OutboundGust = "gust" // Gust's API, served inside each environment
)

// InsideAddress is where Gust's API listens inside an environment.
const InsideAddress = "127.0.0.1:9000"

// Options wire a Backend.
type Options struct {
	Backend     sandbox.Backend
	Credentials *Credentials
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

// reserved are the variables Backend sets; a function's own are dropped.
var reserved = []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_ENDPOINT_URL="}

// Create creates the environment with credentials and an endpoint, and
// serves the Handler inside it when it can.
func (b *Backend) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	function := ""
	env := make([]string, 0, len(spec.Env)+4)
	for _, kv := range spec.Env {
		if v, ok := strings.CutPrefix(kv, "AWS_LAMBDA_FUNCTION_NAME="); ok {
			function = v
		}
		if !hasAnyPrefix(kv, reserved) {
			env = append(env, kv)
		}
	}
	p := b.o.Credentials.For(function)
	env = append(env, "AWS_ACCESS_KEY_ID="+p.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+p.SecretAccessKey, "AWS_SESSION_TOKEN="+p.SessionToken)
	// Whether an environment can listen inside is known only once it
	// exists; the backend's name says it in advance.
	inside := b.o.Handler != nil && b.o.Backend.Name() == "namespace"
	switch {
	case inside:
		env = append(env, "AWS_ENDPOINT_URL=http://"+InsideAddress)
	case b.o.Endpoint != "":
		env = append(env, "AWS_ENDPOINT_URL="+b.o.Endpoint)
	}
	spec.Env = env
	inst, err := b.o.Backend.Create(ctx, spec)
	if err != nil || !inside {
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
	if f, ok := inst.(sandbox.Freezer); ok {
		return &freezerInstance{instance: w, Freezer: f}, nil
	}
	return w, nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
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

// freezerInstance keeps the wrapped instance's Freezer capability visible.
type freezerInstance struct {
	*instance
	sandbox.Freezer
}
