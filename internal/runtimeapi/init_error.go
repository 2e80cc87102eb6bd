package runtimeapi

import (
	"fmt"
	"net/http"
)

// handleInitError serves POST /runtime/init/error: the runtime could not
// initialise (before its first GET /next). WaitInit returns the error.
//
// The state is checked before the body is read, and the transition made
// after, so that WaitInit never sees InitError without its error; a /next
// that slips in between wins, and this post is refused.
func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	from := s.state
	_, ok := from.on(eventInitError)
	s.mu.Unlock()
	if !ok {
		s.refuseInitError(w, r, from)
		return
	}

	var fe *FunctionError
	body, err := readBody(r, s.limit)
	switch {
	case err != nil:
		fe = newFunctionError(ErrorTypeTruncatedResponse, fmt.Sprintf("The runtime's init error was cut off: %v", err))
	case body.tooLarge:
		fe = newFunctionError(ErrorTypeResponseSizeTooLarge,
			fmt.Sprintf("Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", body.size, s.limit))
	default:
		errType := validErrorType(r.Header.Get(headerErrorType))
		fe = &FunctionError{Type: errType, Body: errorPayload(body.data, r.Header.Get("Content-Type"), errType)}
	}

	s.mu.Lock()
	from, ok = s.applyLocked(eventInitError)
	if ok {
		s.initErr = fe
	}
	s.mu.Unlock()
	if !ok {
		s.refuseInitError(w, r, from)
		return
	}
	s.log.DebugContext(r.Context(), "runtime init failed", "error_type", fe.Type)

	switch {
	case err != nil:
		closeAfterReply(w)
		renderError(w, http.StatusBadRequest, apiErrorTruncatedHTTPRequest, "HTTP request detected as truncated")
	case body.tooLarge:
		if !body.complete {
			closeAfterReply(w)
		}
		renderTooLarge(w, s.limit)
	default:
		renderAccepted(w)
	}
}

func (s *Server) refuseInitError(w http.ResponseWriter, r *http.Request, from state) {
	s.log.WarnContext(r.Context(), "runtime reported an init error in the wrong state", "state", from)
	closeAfterReply(w)
	renderInvalidState(w, from, eventInitError)
}
