package runtimeapi

import (
	"fmt"
	"net/http"
)

// apiPrefix is the Runtime API version every route lives under.
const apiPrefix = "/2018-06-01/runtime"

// routes lists every route of the Runtime API. Each handler lives in its own
// file.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(apiPrefix+"/invocation/next", allow(http.MethodGet, s.handleNext))
	mux.Handle(apiPrefix+"/invocation/{id}/response", allow(http.MethodPost, s.handleResponse))
	mux.Handle(apiPrefix+"/invocation/{id}/error", allow(http.MethodPost, s.handleError))
	mux.Handle(apiPrefix+"/init/error", allow(http.MethodPost, s.handleInitError))
	mux.Handle(apiPrefix+"/gust/specialize", allow(http.MethodPost, s.handleSpecialize))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		closeAfterReply(w)
		renderError(w, http.StatusNotFound, apiErrorNotFound, fmt.Sprintf("No Runtime API resource at %s", r.URL.Path))
	})
	return mux
}

// allow admits only method. Patterns carry no method because ServeMux would
// then also route HEAD to GET /next, whose long-poll would hand an event to a
// request that cannot receive it.
func allow(method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			closeAfterReply(w)
			renderError(w, http.StatusMethodNotAllowed, apiErrorMethodNotAllowed,
				fmt.Sprintf("Method %s is not allowed on %s; use %s", r.Method, r.URL.Path, method))
			return
		}
		h(w, r)
	})
}

// track counts running handlers so that Close can wait for them. After
// Close no handler blocks (every wait also watches s.closed, and refused
// posts are not read), so late requests run untracked.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.state != stateClosed {
			s.handlers.Add(1)
			defer s.handlers.Done()
		}
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}
