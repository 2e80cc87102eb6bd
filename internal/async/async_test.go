package async_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"gust/internal/apierror"
	"gust/internal/async"
	"gust/internal/control"
	"gust/internal/invoke"
	"gust/internal/store"
	"gust/internal/store/storetest"
)

// script is an Invoker whose answers per function are given by the test;
// it records every call.
type script struct {
	mu     sync.Mutex
	calls  map[string][]invoke.Request
	answer map[string]func(n int) (invoke.Response, error) // n: 1-based call number
	seen   chan string
}

func (s *script) Invoke(_ context.Context, r invoke.Request) (invoke.Response, error) {
	s.mu.Lock()
	s.calls[r.FunctionName] = append(s.calls[r.FunctionName], r)
	n := len(s.calls[r.FunctionName])
	answer := s.answer[r.FunctionName]
	s.mu.Unlock()
	defer func() { s.seen <- r.FunctionName }()
	if answer == nil {
		return invoke.Response{}, apierror.NotFound("Function not found: %s", r.FunctionName)
	}
	return answer(n)
}

func (s *script) count(fn string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls[fn])
}

// configs gives every function the same asynchronous settings.
type configs struct{ cfg control.EventInvokeConfig }

func (c configs) EffectiveEventInvokeConfig(_ context.Context, name, qualifier string) control.EventInvokeConfig {
	cfg := c.cfg
	cfg.Function, cfg.Qualifier = name, "$LATEST"
	return cfg
}
func (configs) FunctionARN(name string) string {
	return "arn:aws:lambda:us-east-1:000000000000:function:" + name
}

const (
	onSuccess = "arn:aws:lambda:us-east-1:000000000000:function:on-success"
	onFailure = "arn:aws:lambda:us-east-1:000000000000:function:on-failure"
)

func ok(payload string) func(int) (invoke.Response, error) {
	return func(int) (invoke.Response, error) {
		return invoke.Response{StatusCode: 200, Payload: []byte(payload), ExecutedVersion: "$LATEST"}, nil
	}
}

// run starts a Service on a real queue with tiny backoffs; it stops when
// the test ends.
func run(t *testing.T, cfg control.EventInvokeConfig, answers map[string]func(int) (invoke.Response, error), now func() time.Time) (*async.Service, *script) {
	t.Helper()
	st := storetest.Open(t)
	q, err := st.Queue(storetest.Context(t), "async", store.QueueOptions{AckWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	answers["on-success"], answers["on-failure"] = ok("null"), ok("null")
	sc := &script{calls: map[string][]invoke.Request{}, answer: answers, seen: make(chan string, 64)}
	s := async.New(async.Options{Queue: q, Invoker: sc, Configs: configs{cfg}, AckWait: 5 * time.Second, Now: now,
		Backoff: async.Backoff{FunctionError: 20 * time.Millisecond, Throttle: 10 * time.Millisecond, ThrottleMax: 40 * time.Millisecond}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return s, sc
}

// waitFor waits until fn has been invoked n times.
func waitFor(t *testing.T, sc *script, fn string, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for sc.count(fn) < n {
		select {
		case <-sc.seen:
		case <-deadline:
			t.Fatalf("%s invoked %d times, want %d", fn, sc.count(fn), n)
		}
	}
}

// destinationRecord is the one record delivered to fn.
func destinationRecord(t *testing.T, sc *script, fn string) map[string]any {
	t.Helper()
	waitFor(t, sc, fn, 1)
	sc.mu.Lock()
	payload := sc.calls[fn][0].Payload
	sc.mu.Unlock()
	var rec map[string]any
	if err := json.Unmarshal(payload, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func enqueue(t *testing.T, s *async.Service, id, fn string, at time.Time) {
	t.Helper()
	if err := s.Enqueue(storetest.Context(t), invoke.Event{ID: id, Function: fn, Payload: []byte(`{"n":1}`), EnqueuedAt: at}); err != nil {
		t.Fatal(err)
	}
}

func destinations(retries int) control.EventInvokeConfig {
	return control.EventInvokeConfig{MaximumRetryAttempts: &retries, OnSuccess: onSuccess, OnFailure: onFailure}
}

// A function error is retried MaximumRetryAttempts times, then the record
// goes to the on-failure destination with the last response.
func TestFunctionErrorsAreRetriedThenSentOnFailure(t *testing.T) {
	failing := func(int) (invoke.Response, error) {
		return invoke.Response{StatusCode: 200, FunctionError: "Unhandled", Payload: []byte(`{"errorMessage":"boom"}`), ExecutedVersion: "$LATEST"}, nil
	}
	s, sc := run(t, destinations(2), map[string]func(int) (invoke.Response, error){"fn": failing}, nil)
	enqueue(t, s, "ev-1", "fn", time.Now())
	rec := destinationRecord(t, sc, "on-failure")
	if n := sc.count("fn"); n != 3 {
		t.Errorf("fn invoked %d times, want 1 + 2 retries", n)
	}
	ctx := rec["requestContext"].(map[string]any)
	if ctx["condition"] != "RetriesExhausted" || ctx["approximateInvokeCount"] != 3.0 || ctx["requestId"] != "ev-1" {
		t.Errorf("requestContext %v", ctx)
	}
	resp := rec["responseContext"].(map[string]any)
	if resp["functionError"] != "Unhandled" || rec["responsePayload"].(map[string]any)["errorMessage"] != "boom" {
		t.Errorf("record %v", rec)
	}
	if sc.count("on-success") != 0 {
		t.Error("a failure went to on-success")
	}
}

// Throttles and system errors are retried without counting against
// MaximumRetryAttempts; the success goes to on-success.
func TestThrottlesDoNotCountAsAttempts(t *testing.T) {
	throttledTwice := func(n int) (invoke.Response, error) {
		if n <= 2 {
			return invoke.Response{}, apierror.TooManyRequests("ConcurrentInvocationLimitExceeded", "Rate Exceeded.")
		}
		return ok(`{"fine":true}`)(n)
	}
	s, sc := run(t, destinations(0), map[string]func(int) (invoke.Response, error){"fn": throttledTwice}, nil)
	enqueue(t, s, "ev-2", "fn", time.Now())
	rec := destinationRecord(t, sc, "on-success")
	ctx := rec["requestContext"].(map[string]any)
	if ctx["condition"] != "Success" || ctx["approximateInvokeCount"] != 1.0 {
		t.Errorf("requestContext %v", ctx)
	}
	if rec["responsePayload"].(map[string]any)["fine"] != true {
		t.Errorf("responsePayload %v", rec["responsePayload"])
	}
	if n := sc.count("fn"); n != 3 {
		t.Errorf("fn invoked %d times, want 3", n)
	}
}

// An event older than MaximumEventAgeInSeconds is not run: its record goes
// to on-failure without a response.
func TestExpiredEventsAreNotRun(t *testing.T) {
	cfg := destinations(2)
	age := 60
	cfg.MaximumEventAgeInSeconds = &age
	s, sc := run(t, cfg, map[string]func(int) (invoke.Response, error){"fn": ok("1")}, nil)
	enqueue(t, s, "ev-3", "fn", time.Now().Add(-2*time.Minute))
	rec := destinationRecord(t, sc, "on-failure")
	if c := rec["requestContext"].(map[string]any)["condition"]; c != "EventAgeExceeded" {
		t.Errorf("condition %v", c)
	}
	if _, ok := rec["responseContext"]; ok {
		t.Errorf("a response for an event that never ran: %v", rec)
	}
	if n := sc.count("fn"); n != 0 {
		t.Errorf("fn invoked %d times", n)
	}
}

// A function that no longer exists cannot ever run: no retries.
func TestMissingFunctionsAreNotRetried(t *testing.T) {
	s, sc := run(t, destinations(2), map[string]func(int) (invoke.Response, error){}, nil)
	enqueue(t, s, "ev-4", "gone", time.Now())
	rec := destinationRecord(t, sc, "on-failure")
	if c := rec["requestContext"].(map[string]any)["condition"]; c != "RetriesExhausted" {
		t.Errorf("condition %v", c)
	}
	if n := sc.count("gone"); n != 1 {
		t.Errorf("gone invoked %d times, want 1", n)
	}
}
