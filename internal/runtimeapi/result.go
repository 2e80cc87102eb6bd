package runtimeapi

import (
	"fmt"
	"net/http"
	"runtime"
)

// beginResult admits a POST /invocation/{id}/response or /error: the id
// must be the current invocation's (checked first, as the emulator's
// AwsRequestIDValidator does) and the state must allow e. It moves the state
// to Receiving, which refuses any other post until the result is recorded.
// Otherwise it answers the runtime and returns nil.
func (s *Server) beginResult(w http.ResponseWriter, r *http.Request, e event) *call {
	id := r.PathValue("id")
	s.mu.Lock()
	if s.call == nil || id != s.call.inv.RequestID {
		s.mu.Unlock()
		s.log.WarnContext(r.Context(), "runtime posted a result for an unknown request id", "request_id", id)
		closeAfterReply(w)
		renderInvalidRequestID(w)
		return nil
	}
	from, ok := s.applyLocked(e)
	c := s.call
	s.mu.Unlock()
	if !ok {
		s.log.WarnContext(r.Context(), "runtime posted a result in the wrong state", "request_id", id, "state", from, "event", e)
		closeAfterReply(w)
		renderInvalidState(w, from, e)
		return nil
	}
	return c
}

// receiveBody reads the body of an admitted result. When the body breaks a
// rule (cut off, or over the limit) it fails the invocation, answers the
// runtime and returns ok false.
func (s *Server) receiveBody(w http.ResponseWriter, r *http.Request, c *call) (body postedBody, ok bool) {
	body, err := readBody(r, s.limit)
	switch {
	case err != nil:
		fe := newFunctionError(ErrorTypeTruncatedResponse,
			fmt.Sprintf("The runtime's result was cut off: %v", err))
		closeAfterReply(w)
		s.complete(w, r, c, errorResult(fe), func() {
			renderError(w, http.StatusBadRequest, apiErrorTruncatedHTTPRequest, "HTTP request detected as truncated")
		})
		return body, false
	case body.tooLarge:
		fe := newFunctionError(ErrorTypeResponseSizeTooLarge,
			fmt.Sprintf("Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", body.size, s.limit))
		if !body.complete {
			closeAfterReply(w)
		}
		s.complete(w, r, c, errorResult(fe), func() { renderTooLarge(w, s.limit) })
		return body, false
	}
	return body, true
}

// complete records res for c and then answers the runtime with answer. If
// the invocation was abandoned or the server closed while the body was
// read, the runtime hears that instead.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, c *call, res Result, answer func()) {
	from, ok := s.finish(c, res)
	if !ok {
		s.log.WarnContext(r.Context(), "result arrived after the invocation ended", "request_id", c.inv.RequestID, "state", from)
		renderInvalidState(w, from, eventReceived)
		return
	}
	if res.Err != nil {
		s.log.DebugContext(r.Context(), "invocation failed", "request_id", c.inv.RequestID, "error_type", res.Err.Type)
	} else {
		s.log.DebugContext(r.Context(), "invocation succeeded", "request_id", c.inv.RequestID, "bytes", len(res.Payload))
	}
	// The invocation's caller waits for this result and the runtime for
	// its answer; the caller goes first.
	runtime.Gosched()

	answer()
}
