package runtimeapi

import (
	"encoding/base64"
	"fmt"
	"net/http"
)

// streamingNotSupported is what both the runtime and the invocation's caller
// are told when a runtime tries to stream its response.
const streamingNotSupported = "Response streaming (" + headerResponseMode + ": " + responseModeStreaming +
	") is not supported by Gust; return a buffered response instead."

// handleResponse serves POST /runtime/invocation/{id}/response: the
// runtime's successful result, at most MaxResponseBytes.
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	c := s.beginResult(w, r, eventResponse)
	if c == nil {
		return
	}

	// Gust buffers every response. Answer a stream before reading any of
	// it: its body may not end until the function does.
	if mode := r.Header.Get(headerResponseMode); mode != "" {
		msg := fmt.Sprintf("Invalid function response mode %q.", mode)
		if mode == responseModeStreaming {
			msg = streamingNotSupported
		}
		closeAfterReply(w)
		s.complete(w, r, c, errorResult(newFunctionError(ErrorTypeInvalidResponseMode, msg)), func() {
			renderError(w, http.StatusBadRequest, apiErrorInvalidResponseMode, msg)
		})
		return
	}

	body, ok := s.receiveBody(w, r, c)
	if !ok {
		return
	}

	// A runtime whose output failed midway says so in trailers.
	if t := r.Trailer.Get(headerErrorType); t != "" {
		errType := validErrorType(t)
		doc, err := base64.StdEncoding.DecodeString(r.Trailer.Get(headerErrorBody))
		if err != nil {
			doc = nil
		}
		fe := &FunctionError{Type: errType, Body: errorPayload(doc, "", errType)}
		s.complete(w, r, c, errorResult(fe), func() { renderAccepted(w) })
		return
	}

	s.complete(w, r, c, Result{Payload: body.data}, func() { renderAccepted(w) })
}
