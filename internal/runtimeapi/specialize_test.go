package runtimeapi

import (
	"net/http"
	"testing"
)

func TestSpecializeWaitsForItsFunction(t *testing.T) {
	h := startServer(t, Options{})
	got := make(chan answer, 1)
	go func() { got <- h.post("/gust/specialize", nil, "{}") }()
	recv(t, h.s.Asked()) // the runtime is waiting
	select {
	case a := <-got:
		t.Fatalf("answered before Specialize: %d %s", a.status, a.body)
	default:
	}
	h.s.Specialize(Specialization{Env: map[string]string{"A": "1"}, Handler: "app.handler"})
	h.s.Specialize(Specialization{Handler: "ignored"}) // only the first counts
	a := recv(t, got)
	wantStatus(t, a, http.StatusOK)
	wantJSON(t, a.body, `{"env":{"A":"1"},"handler":"app.handler"}`)
	// Asked again (a runtime that lost the answer) it gets the same.
	wantJSON(t, h.post("/gust/specialize", nil, "{}").body, `{"env":{"A":"1"},"handler":"app.handler"}`)
	// Only POST.
	wantStatus(t, h.do(t.Context(), http.MethodGet, "/gust/specialize", nil, nil), http.StatusMethodNotAllowed)
}

func TestSpecializeEndsWithClose(t *testing.T) {
	h := startServer(t, Options{})
	got := make(chan answer, 1)
	go func() { got <- h.post("/gust/specialize", nil, "{}") }()
	recv(t, h.s.Asked())
	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	if a := recv(t, got); a.err == nil && a.status == http.StatusOK {
		t.Fatalf("a closed environment specialised its runtime: %s", a.body)
	}
}
