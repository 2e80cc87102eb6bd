package runtimeapi

import (
	"net/http"
	"sync"
)

// Specialization is what a pooled runtime learns when it is given to a
// function: the function's complete environment (it replaces the one the
// runtime started with) and its handler. Gust's own bootstraps ask for it;
// it is not part of Lambda's Runtime API.
type Specialization struct {
	Env     map[string]string `json:"env"`
	Handler string            `json:"handler"`
}

// specialization is the state of POST /runtime/gust/specialize.
type specialization struct {
	askedOnce sync.Once
	asked     chan struct{} // closed once the runtime first asks
	setOnce   sync.Once
	set       chan struct{} // closed once value is set
	value     Specialization
}

func newSpecialization() *specialization {
	return &specialization{asked: make(chan struct{}), set: make(chan struct{})}
}

// Asked is closed once the runtime has asked for its specialisation: a
// pooled runtime is then loaded and waiting.
func (s *Server) Asked() <-chan struct{} { return s.special.asked }

// Specialize answers the runtime's pending (or next) request for its
// specialisation. Only the first call counts.
func (s *Server) Specialize(sp Specialization) {
	s.special.setOnce.Do(func() {
		s.special.value = sp
		close(s.special.set)
	})
}

// handleSpecialize serves POST /runtime/gust/specialize: a pooled runtime
// says it is loaded and waits, without a timeout, until the environment is
// given to a function. A post rather than a get so that the runtime's
// first post of a body (its first response) does not pay for warming up
// that code path during a cold start; the body is ignored.
func (s *Server) handleSpecialize(w http.ResponseWriter, r *http.Request) {
	s.special.askedOnce.Do(func() { close(s.special.asked) })
	select {
	case <-s.special.set:
		renderJSON(w, http.StatusOK, s.special.value)
	case <-s.closed:
		closeAfterReply(w)
		renderError(w, http.StatusGone, apiErrorInvalidStateTransition, "The environment is shutting down")
	case <-r.Context().Done():
	}
}
