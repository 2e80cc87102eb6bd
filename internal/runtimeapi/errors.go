package runtimeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Errors returned by Server methods. Compare with errors.Is.
var (
	// ErrClosed: the Server was closed.
	ErrClosed = errors.New("runtimeapi: server closed")
	// ErrNotReady: Invoke was called before the runtime finished init
	// (WaitInit has not returned nil), or after its init failed.
	ErrNotReady = errors.New("runtimeapi: runtime has not finished init")
	// ErrBusy: Invoke was called while another invocation is in flight.
	ErrBusy = errors.New("runtimeapi: an invocation is already in flight")
	// ErrAbandoned: an earlier Invoke ended with its context; the runtime
	// may still be running that invocation, so the environment must be
	// destroyed rather than reused.
	ErrAbandoned = errors.New("runtimeapi: an earlier invocation was abandoned; destroy the environment")
	// ErrInvalidInvocation: the Invocation cannot be sent to a runtime
	// (for example an empty request id).
	ErrInvalidInvocation = errors.New("runtimeapi: invalid invocation")
)

// Lambda's error types that this package produces itself, as the emulator's
// fatalerror package spells them.
const (
	// ErrorTypeResponseSizeTooLarge: the result exceeded MaxResponseBytes.
	ErrorTypeResponseSizeTooLarge = "Function.ResponseSizeTooLarge"
	// ErrorTypeInvalidResponseMode: the runtime asked for a response mode
	// Gust does not serve (response streaming).
	ErrorTypeInvalidResponseMode = "Runtime.InvalidResponseModeHeader"
	// ErrorTypeTruncatedResponse: the result's body broke off.
	ErrorTypeTruncatedResponse = "Runtime.TruncatedResponse"
	// ErrorTypeRuntimeUnknown replaces a missing or malformed
	// Lambda-Runtime-Function-Error-Type.
	ErrorTypeRuntimeUnknown = "Runtime.Unknown"
	// ErrorTypeFunctionUnknown replaces a malformed "Function.*" type.
	ErrorTypeFunctionUnknown = "Function.Unknown"
)

// FunctionError is a failed init or invocation as Lambda reports it.
//
// Type is Lambda's platform error type: the Lambda-Runtime-Function-Error-Type
// the runtime sent, validated as Lambda does (see validErrorType), or one of
// the ErrorType constants when Gust failed the invocation itself. Body is the
// payload a caller of Invoke sees (with X-Amz-Function-Error: Unhandled): the
// runtime's error document as posted when it is JSON, otherwise Lambda's shape
// {"errorMessage":...,"errorType":...} built here. Its errorType may differ
// from Type: aws-lambda-go, for one, sends no header (Type Runtime.Unknown)
// and puts the Go error's type name in the body.
type FunctionError struct {
	Type string
	Body []byte
}

func (e *FunctionError) Error() string {
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(e.Body, &doc) == nil && doc.ErrorMessage != "" {
		return fmt.Sprintf("function error %s: %s", e.Type, doc.ErrorMessage)
	}
	return "function error " + e.Type
}

// errorDocument is Lambda's JSON shape for errors, both in the bodies this
// API answers with and in the payload of a failed invocation.
type errorDocument struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	StackTrace   []string `json:"stackTrace,omitempty"`
}

func (d errorDocument) marshal() []byte {
	b, err := json.Marshal(d)
	if err != nil {
		// Strings and string slices always marshal.
		panic(fmt.Sprintf("runtimeapi: marshal error document: %v", err))
	}
	return b
}

// newFunctionError builds a FunctionError whose body Gust wrote itself.
func newFunctionError(errType, message string) *FunctionError {
	return &FunctionError{
		Type: errType,
		Body: errorDocument{ErrorMessage: message, ErrorType: errType}.marshal(),
	}
}

// The emulator accepts a runtime's error type when it matches this pattern
// anywhere (it is not anchored there either) and otherwise substitutes
// Function.Unknown or Runtime.Unknown.
var errorTypePattern = regexp.MustCompile(`(Runtime|Function)\.[A-Z][a-zA-Z]+`)

// validErrorType returns the error type Lambda records for the
// Lambda-Runtime-Function-Error-Type value t.
func validErrorType(t string) string {
	if errorTypePattern.MatchString(t) {
		return t
	}
	if strings.HasPrefix(t, "Function.") {
		return ErrorTypeFunctionUnknown
	}
	return ErrorTypeRuntimeUnknown
}

// unknownErrorMessage is what Lambda reports for an error without a body.
const unknownErrorMessage = "Unknown application error occurred"

// errorCauseContentType marks an error body that carries an X-Ray errorCause
// next to Lambda's fields; the cause is not part of the payload callers see.
const errorCauseContentType = "application/vnd.aws.lambda.error.cause+json"

// errorPayload turns a posted error body into the payload a caller sees:
// JSON passes through unchanged (the errorCause variant is reduced to
// Lambda's fields, as the emulator does), anything else becomes Lambda's
// shape with the body as errorMessage.
func errorPayload(body []byte, contentType, errType string) []byte {
	if contentType == errorCauseContentType {
		var doc errorDocument
		if err := json.Unmarshal(body, &doc); err == nil {
			return doc.marshal()
		}
	} else if json.Valid(body) {
		return body
	}
	msg := strings.TrimSpace(string(body))
	if msg == "" {
		msg = unknownErrorMessage
	}
	// json.Marshal replaces invalid UTF-8, so any bytes make a valid document.
	return errorDocument{ErrorMessage: msg, ErrorType: errType}.marshal()
}
