package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// harness is a Server on a real loopback listener plus a runtime-side HTTP
// client.
type harness struct {
	t      *testing.T
	s      *Server
	addr   string // host:port, as AWS_LAMBDA_RUNTIME_API
	base   string // http://addr/2018-06-01/runtime
	client *http.Client
}

func startServer(t *testing.T, o Options) *harness {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := NewServer(o)
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	h := &harness{
		t:      t,
		s:      s,
		addr:   l.Addr().String(),
		base:   "http://" + l.Addr().String() + apiPrefix,
		client: &http.Client{Transport: &http.Transport{}},
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve returned %v after Close, want nil", err)
		}
		h.client.CloseIdleConnections()
	})
	return h
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// answer is what the runtime side got back.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (a answer) errorDoc(t *testing.T) errorDocument {
	t.Helper()
	var d errorDocument
	if err := json.Unmarshal(a.body, &d); err != nil {
		t.Fatalf("body %q is not an error document: %v", a.body, err)
	}
	return d
}

func (h *harness) do(ctx context.Context, method, path string, header http.Header, body io.Reader) answer {
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, body)
	if err != nil {
		return answer{err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

func (h *harness) next(ctx context.Context) answer {
	return h.do(ctx, http.MethodGet, "/invocation/next", nil, nil)
}

// nextAsync starts a GET /next and returns where its answer will arrive.
func (h *harness) nextAsync(ctx context.Context) <-chan answer {
	ch := make(chan answer, 1)
	go func() { ch <- h.next(ctx) }()
	return ch
}

func (h *harness) post(path string, header http.Header, body string) answer {
	return h.do(context.Background(), http.MethodPost, path, header, strings.NewReader(body))
}

func (h *harness) respond(id, body string) answer {
	return h.post("/invocation/"+id+"/response", nil, body)
}

// invokeAsync runs Invoke in a goroutine.
func (h *harness) invokeAsync(ctx context.Context, inv Invocation) <-chan invokeOutcome {
	ch := make(chan invokeOutcome, 1)
	go func() {
		res, err := h.s.Invoke(ctx, inv)
		ch <- invokeOutcome{res, err}
	}()
	return ch
}

type invokeOutcome struct {
	res Result
	err error
}

// initRuntime makes the runtime's first GET /next, waits for WaitInit and
// returns the pending /next.
func (h *harness) initRuntime() <-chan answer {
	h.t.Helper()
	nx := h.nextAsync(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.s.WaitInit(ctx); err != nil {
		h.t.Fatalf("WaitInit: %v", err)
	}
	return nx
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting")
		var zero T
		return zero
	}
}

// eventually polls cond until it holds or a few seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (s *Server) currentState() state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *Server) waiters() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

func wantStatus(t *testing.T, a answer, status int) {
	t.Helper()
	if a.err != nil {
		t.Fatalf("request failed: %v", a.err)
	}
	if a.status != status {
		t.Fatalf("status %d, want %d; body %s", a.status, status, a.body)
	}
}

func wantJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Fatalf("body %s, want %s", got, want)
	}
}

func asFunctionError(t *testing.T, err error) *FunctionError {
	t.Helper()
	var fe *FunctionError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FunctionError", err, err)
	}
	return fe
}
