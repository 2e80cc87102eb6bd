package runtimeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error types of the bodies this API answers runtimes with, as the
// emulator's rapi/rendering package spells them.
const (
	apiErrorInvalidStateTransition = "InvalidStateTransition"
	apiErrorInvalidRequestID       = "InvalidRequestID"
	apiErrorRequestEntityTooLarge  = "RequestEntityTooLarge"
	apiErrorInvalidResponseMode    = "InvalidFunctionResponseMode"
	apiErrorTruncatedHTTPRequest   = "TruncatedHTTPRequest"
	apiErrorNotFound               = "NotFound"
	apiErrorMethodNotAllowed       = "MethodNotAllowed"
)

func renderJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The client may be gone; there is no one left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// renderAccepted answers a post the runtime made correctly.
func renderAccepted(w http.ResponseWriter) {
	renderJSON(w, http.StatusAccepted, struct {
		Status string `json:"status"`
	}{"OK"})
}

func renderError(w http.ResponseWriter, status int, errType, message string) {
	renderJSON(w, status, errorDocument{ErrorMessage: message, ErrorType: errType})
}

func renderInvalidRequestID(w http.ResponseWriter) {
	renderError(w, http.StatusBadRequest, apiErrorInvalidRequestID, "Invalid request ID")
}

func renderInvalidState(w http.ResponseWriter, from state, e event) {
	renderError(w, http.StatusForbidden, apiErrorInvalidStateTransition,
		fmt.Sprintf("State transition from %s to %s failed for runtime. Error: State transition is not allowed", from, e.target()))
}

func renderTooLarge(w http.ResponseWriter, limit int64) {
	renderError(w, http.StatusRequestEntityTooLarge, apiErrorRequestEntityTooLarge,
		fmt.Sprintf("Exceeded maximum allowed payload size (%d bytes).", limit))
}

// closeAfterReply makes net/http close the connection after the answer
// instead of first reading what is left of the request body: a body we
// refuse can be endless (a response stream), and reading it would delay the
// answer for as long as the runtime keeps writing.
func closeAfterReply(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
}
