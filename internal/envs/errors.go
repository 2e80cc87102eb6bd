package envs

import (
	"encoding/json"
	"fmt"
)

// FunctionError is a failure Lambda reports to the caller as the function's
// error (HTTP 200, X-Amz-Function-Error: Unhandled): the runtime's own error,
// or one of Lambda's platform errors below. This is the one place that
// names Lambda's error taxonomy.
type FunctionError struct {
	Type string
	// Body is the JSON payload returned to the caller.
	Body []byte
	// Log is what the environment printed, when the error ended it during
	// init (the caller's X-Amz-Log-Result).
	Log []byte
}

func (e *FunctionError) Error() string { return e.Type + ": " + string(e.Body) }

// Lambda's platform error types.
const (
	ErrTimedOut          = "Sandbox.Timedout"
	ErrExit              = "Runtime.ExitError"
	ErrOutOfMemory       = "Runtime.OutOfMemory"
	ErrInvalidEntrypoint = "Runtime.InvalidEntrypoint"
	ErrInitTimeout       = "Runtime.InitTimeout"
	ErrUnknown           = "Runtime.Unknown"
)

// platformError builds a platform error with Lambda's message shape:
// "RequestId: <id> Error: <detail>".
func platformError(typ, requestID, format string, args ...any) *FunctionError {
	body, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{typ, fmt.Sprintf("RequestId: %s Error: ", requestID) + fmt.Sprintf(format, args...)})
	return &FunctionError{Type: typ, Body: body}
}
