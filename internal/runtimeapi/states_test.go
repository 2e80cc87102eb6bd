package runtimeapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var allStates = []state{
	stateStarted, stateInitError, stateReady, stateQueued, stateInvoking,
	stateReceiving, stateResponded, stateAbandoned, stateClosed,
}

var allEvents = []event{
	eventNext, eventResponse, eventError, eventInitError,
	eventReceived, eventInvoke, eventAbandon, eventClose,
}

// TestTransitions checks every state × event pair against the intended
// machine, written out here in full as its specification.
func TestTransitions(t *testing.T) {
	const x = "-" // denied
	// Columns: Next, Response, Error, InitError, Received, Invoke, Abandon, Close.
	want := map[state][numEvents]string{
		stateStarted:   {"Ready", x, x, "InitError", x, x, x, "Closed"},
		stateInitError: {x, x, x, x, x, x, x, "Closed"},
		stateReady:     {"Ready", x, x, x, x, "Queued", x, "Closed"},
		stateQueued:    {"Invoking", x, x, x, x, x, "Abandoned", "Closed"},
		stateInvoking:  {"Invoking", "Receiving", "Receiving", x, x, x, "Abandoned", "Closed"},
		stateReceiving: {x, x, x, x, "Responded", x, "Abandoned", "Closed"},
		stateResponded: {"Ready", x, x, x, x, "Queued", x, "Closed"},
		stateAbandoned: {x, x, x, x, x, x, x, "Closed"},
		stateClosed:    {x, x, x, x, x, x, x, x},
	}
	if len(want) != int(numStates) || len(allStates) != int(numStates) || len(allEvents) != int(numEvents) {
		t.Fatal("the test does not cover every state and event")
	}
	for _, s := range allStates {
		for _, e := range allEvents {
			next, ok := s.on(e)
			got := x
			if ok {
				got = next.String()
			} else if next != s {
				t.Errorf("%s on %s: denied but moved to %s", s, e, next)
			}
			if got != want[s][e] {
				t.Errorf("%s on %s: got %s, want %s", s, e, got, want[s][e])
			}
		}
	}
	if _, ok := numStates.on(eventClose); ok {
		t.Error("an unknown state allowed an event")
	}
}

// TestRuntimeRequestsInEveryState sends each runtime request to a server
// put into each state and checks the answer and the state it leaves.
func TestRuntimeRequestsInEveryState(t *testing.T) {
	const id = "req-1"
	const (
		waits = -1 // GET /next parks until its context ends
	)
	type req struct {
		name   string
		method string
		path   string
	}
	next := req{"next", http.MethodGet, "/invocation/next"}
	response := req{"response", http.MethodPost, "/invocation/" + id + "/response"}
	invErr := req{"error", http.MethodPost, "/invocation/" + id + "/error"}
	initErr := req{"init-error", http.MethodPost, "/init/error"}
	wrongResponse := req{"response-wrong-id", http.MethodPost, "/invocation/other/response"}
	wrongError := req{"error-wrong-id", http.MethodPost, "/invocation/other/error"}

	type outcome struct {
		status int   // waits, or the HTTP status
		after  state // the state afterwards
	}
	cases := map[state]map[req]outcome{
		stateStarted: {
			next:          {waits, stateReady},
			response:      {400, stateStarted}, // no invocation yet: the id is unknown
			invErr:        {400, stateStarted},
			initErr:       {202, stateInitError},
			wrongResponse: {400, stateStarted},
			wrongError:    {400, stateStarted},
		},
		stateInitError: {
			next:          {403, stateInitError},
			response:      {400, stateInitError},
			invErr:        {400, stateInitError},
			initErr:       {403, stateInitError},
			wrongResponse: {400, stateInitError},
			wrongError:    {400, stateInitError},
		},
		stateReady: {
			next:          {waits, stateReady},
			response:      {403, stateReady}, // the last invocation's id, already answered
			invErr:        {403, stateReady},
			initErr:       {403, stateReady},
			wrongResponse: {400, stateReady},
			wrongError:    {400, stateReady},
		},
		stateQueued: {
			next:          {200, stateInvoking},
			response:      {403, stateQueued}, // not delivered yet
			invErr:        {403, stateQueued},
			initErr:       {403, stateQueued},
			wrongResponse: {400, stateQueued},
			wrongError:    {400, stateQueued},
		},
		stateInvoking: {
			next:          {200, stateInvoking}, // the same event again
			response:      {202, stateResponded},
			invErr:        {202, stateResponded},
			initErr:       {403, stateInvoking},
			wrongResponse: {400, stateInvoking},
			wrongError:    {400, stateInvoking},
		},
		stateReceiving: {
			next:          {403, stateReceiving},
			response:      {403, stateReceiving},
			invErr:        {403, stateReceiving},
			initErr:       {403, stateReceiving},
			wrongResponse: {400, stateReceiving},
			wrongError:    {400, stateReceiving},
		},
		stateResponded: {
			next:          {waits, stateReady},
			response:      {403, stateResponded}, // a second answer
			invErr:        {403, stateResponded},
			initErr:       {403, stateResponded},
			wrongResponse: {400, stateResponded},
			wrongError:    {400, stateResponded},
		},
		stateAbandoned: {
			next:          {403, stateAbandoned},
			response:      {403, stateAbandoned},
			invErr:        {403, stateAbandoned},
			initErr:       {403, stateAbandoned},
			wrongResponse: {400, stateAbandoned},
			wrongError:    {400, stateAbandoned},
		},
		stateClosed: {
			next:          {403, stateClosed},
			response:      {403, stateClosed},
			invErr:        {403, stateClosed},
			initErr:       {403, stateClosed},
			wrongResponse: {400, stateClosed},
			wrongError:    {400, stateClosed},
		},
	}
	if len(cases) != int(numStates) {
		t.Fatal("the test does not cover every state")
	}

	for _, st := range allStates {
		for r, want := range cases[st] {
			t.Run(st.String()+"/"+r.name, func(t *testing.T) {
				s := NewServer(Options{})
				defer s.Close()
				forceState(s, st, id)

				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				if want.status == waits {
					ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
				}
				defer cancel()
				rec := httptest.NewRecorder()
				httpReq := httptest.NewRequestWithContext(ctx, r.method, apiPrefix+r.path, strings.NewReader(`{"k":"v"}`))
				s.handler.ServeHTTP(rec, httpReq)

				if want.status == waits {
					if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
						t.Fatalf("answered %d %s, want it to wait", rec.Code, rec.Body)
					}
				} else {
					if rec.Code != want.status {
						t.Fatalf("status %d, want %d; body %s", rec.Code, want.status, rec.Body)
					}
					if got := rec.Header().Get("Content-Type"); got != "application/json" {
						t.Errorf("Content-Type %q", got)
					}
				}
				if got := s.currentState(); got != want.after {
					t.Errorf("state afterwards %s, want %s", got, want.after)
				}
				switch want.status {
				case 200:
					if got := rec.Header().Get(headerRequestID); got != id {
						t.Errorf("delivered request id %q, want %q", got, id)
					}
				case 400:
					wantJSON(t, rec.Body.Bytes(), `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`)
				case 403:
					if !strings.Contains(rec.Body.String(), `"errorType":"InvalidStateTransition"`) {
						t.Errorf("body %s", rec.Body)
					}
				}
			})
		}
	}
}

// forceState puts a fresh server into st as if it had got there through
// the API, with id as the current (or last) invocation where there is one.
func forceState(s *Server, st state, id string) {
	prior := &call{inv: Invocation{RequestID: id, Payload: []byte(`{"event":1}`)}, done: make(chan struct{})}
	s.mu.Lock()
	switch st {
	case stateStarted:
	case stateInitError:
		s.initErr = newFunctionError("Runtime.Test", "init failed")
	case stateReady, stateResponded:
		close(prior.done) // answered earlier
		s.call = prior
	default:
		s.call = prior
	}
	if st != stateClosed {
		s.state = st
	}
	s.mu.Unlock()
	if st == stateClosed {
		s.Close()
	}
}
