package runtimeapi

import (
	"log/slog"
	"net/http"
	"strconv"
)

// handleNext serves GET /runtime/invocation/next: the runtime asks for work
// and waits, without a timeout, until Invoke gives it some.
//
// The first call ends init. A call while an invocation is assigned but not
// answered gets that invocation (again), so an event handed to a client
// that vanished is delivered on the runtime's next call. A client that goes
// away while waiting leaves everything as it was.
func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s.mu.Lock()
	for {
		if ctx.Err() != nil { // nobody to answer
			s.mu.Unlock()
			return
		}
		from, ok := s.applyLocked(eventNext)
		if !ok {
			s.mu.Unlock()
			level := slog.LevelWarn
			if from == stateClosed { // the usual end of a waiting /next
				level = slog.LevelDebug
			}
			s.log.Log(ctx, level, "runtime asked for work in the wrong state", "state", from)
			renderInvalidState(w, from, eventNext)
			return
		}
		if from == stateStarted {
			s.log.DebugContext(ctx, "runtime init done")
		}
		if s.state == stateInvoking {
			inv := s.call.inv
			s.mu.Unlock()
			s.log.DebugContext(ctx, "invocation delivered", "request_id", inv.RequestID)
			writeInvocation(w, &inv)
			return
		}
		changed := s.changed
		s.waiting++
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
		case <-s.closed:
		}
		s.mu.Lock()
		s.waiting--
	}
}

// writeInvocation answers GET /next with inv, as Lambda does: the event as
// the body, its context in headers (empty ones left out).
func writeInvocation(w http.ResponseWriter, inv *Invocation) {
	h := w.Header()
	h.Set(headerRequestID, inv.RequestID)
	if !inv.Deadline.IsZero() {
		h.Set(headerDeadlineMs, strconv.FormatInt(inv.Deadline.UnixMilli(), 10))
	}
	for name, v := range map[string]string{
		headerInvokedARN:      inv.InvokedFunctionARN,
		headerTraceID:         inv.TraceID,
		headerClientContext:   inv.ClientContext,
		headerCognitoIdentity: inv.CognitoIdentity,
	} {
		if v != "" {
			h.Set(name, v)
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(inv.Payload)))
	w.WriteHeader(http.StatusOK)
	// A failed write means the client vanished; the invocation stays
	// assigned and the runtime's next GET /next gets it again.
	_, _ = w.Write(inv.Payload)
}
