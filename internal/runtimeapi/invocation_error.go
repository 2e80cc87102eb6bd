package runtimeapi

import "net/http"

// handleError serves POST /runtime/invocation/{id}/error: the function
// failed. The type comes from Lambda-Runtime-Function-Error-Type (validated
// as Lambda does), the body is the payload the caller sees.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request) {
	c := s.beginResult(w, r, eventError)
	if c == nil {
		return
	}
	body, ok := s.receiveBody(w, r, c)
	if !ok {
		return
	}
	errType := validErrorType(r.Header.Get(headerErrorType))
	fe := &FunctionError{
		Type: errType,
		Body: errorPayload(body.data, r.Header.Get("Content-Type"), errType),
	}
	s.complete(w, r, c, errorResult(fe), func() { renderAccepted(w) })
}
