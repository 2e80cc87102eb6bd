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

// Is matches a PlatformError of the same type, so callers ask
// errors.Is(err, envs.ErrTimedOut).
func (e *FunctionError) Is(target error) bool {
	p, ok := target.(PlatformError)
	return ok && string(p) == e.Type
}

// PlatformError is one of Lambda's own error types, as opposed to those a
// runtime reports. A *FunctionError of that Type matches it.
type PlatformError string

func (p PlatformError) Error() string { return string(p) }

// Lambda's platform error types.
const (
	ErrTimedOut          PlatformError = "Sandbox.Timedout"
	ErrExit              PlatformError = "Runtime.ExitError"
	ErrOutOfMemory       PlatformError = "Runtime.OutOfMemory"
	ErrInvalidEntrypoint PlatformError = "Runtime.InvalidEntrypoint"
	ErrInitTimeout       PlatformError = "Runtime.InitTimeout"
	ErrUnknown           PlatformError = "Runtime.Unknown"
)

// platformError builds a platform error with Lambda's message shape:
// "RequestId: <id> Error: <detail>".
func platformError(typ PlatformError, requestID, format string, args ...any) *FunctionError {
	body, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{string(typ), fmt.Sprintf("RequestId: %s Error: ", requestID) + fmt.Sprintf(format, args...)})
	return &FunctionError{Type: string(typ), Body: body}
}
