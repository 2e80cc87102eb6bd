package insideapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
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

// Options wire an API.
type Options struct {
	Credentials Credentials
	// Isolation is the sandbox backend's. With OwnNetwork, Handler is
	// served inside each environment at InsideAddress; without, the
	// environments share the host's network and are pointed at Endpoint.
	Isolation sandbox.Isolation
	// Handler is Gust's API; nil serves nothing inside.
	Handler http.Handler
	// Endpoint is AWS_ENDPOINT_URL for environments that share the host's
	// network; "" sets none.
	Endpoint string
	Logger   *slog.Logger
}

// API gives functions what they need to call Gust: credentials and
// AWS_ENDPOINT_URL in their environment (FunctionEnv) and, where the
// sandbox has a network of its own, Gust's API served inside it
// (Attachments).
type API struct {
	o Options
}

// New returns the API of o.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{o: o}
}

func (a *API) inside() bool { return a.o.Handler != nil && a.o.Isolation.OwnNetwork }

// FunctionEnv is what every environment of function gets: its execution
// role's temporary credentials and, when it can reach Gust,
// AWS_ENDPOINT_URL; and when those credentials expire (the environment must
// be retired before). The environments package adds them to the function's
// environment, also when a pooled sandbox is given to the function later.
func (a *API) FunctionEnv(ctx context.Context, function, role string) ([]string, time.Time, error) {
	p, err := a.o.Credentials(ctx, function, role)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("issuing credentials of %s: %w", function, err)
	}
	env := []string{"AWS_ACCESS_KEY_ID=" + p.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + p.SecretAccessKey, "AWS_SESSION_TOKEN=" + p.SessionToken}
	switch {
	case a.inside():
		env = append(env, "AWS_ENDPOINT_URL=http://"+InsideAddress)
	case a.o.Endpoint != "":
		env = append(env, "AWS_ENDPOINT_URL="+a.o.Endpoint)
	}
	return env, p.Expiration, nil
}

// Attachments are what every sandbox gets: the Handler served inside it
// when it has a network of its own; none otherwise.
func (a *API) Attachments() []sandbox.Attachment {
	if !a.inside() {
		return nil
	}
	return []sandbox.Attachment{served{a.o.Handler}}
}

// served serves a handler inside each environment it is attached to. A
// pooled sandbox is attached before its function is known: the Handler
// authenticates every call by the caller's own signature, so serving it
// from the start is safe.
type served struct{ handler http.Handler }

// Attach listens inside inst's network, through its own
// sandbox.InsideListener, and serves there until the returned Closer is
// closed.
func (s served) Attach(inst sandbox.Instance) (io.Closer, error) {
	il, ok := inst.(sandbox.InsideListener)
	if !ok {
		return nil, errors.New("insideapi: the sandbox cannot listen inside its network")
	}
	ln, err := il.ListenInside(InsideAddress)
	if err != nil {
		return nil, fmt.Errorf("listening inside the environment: %w", err)
	}
	srv := &server{srv: &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}, done: make(chan struct{})}
	go func() {
		defer close(srv.done)
		_ = srv.srv.Serve(ln)
	}()
	return srv, nil
}

// server is the API served inside one environment; its goroutine is owned
// by Close.
type server struct {
	srv  *http.Server
	done chan struct{}
}

// Close stops serving, closes every connection and waits for the server.
func (s *server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}
