package apierror

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS API error: its exception type (sent as X-Amzn-ErrorType),
// a human message, and, for throttles, a reason code.
type Error struct {
	Type    string
	Message string
	// Reason is set on TooManyRequestsException (for example
	// "ReservedFunctionConcurrentInvocationLimitExceeded").
	Reason string
	// HTTPStatus, when set, is the status to answer with instead of the
	// table's. Services whose error codes are their own (S3, SQS, IAM)
	// carry their statuses with the error rather than growing the table.
	HTTPStatus int
}

// WithStatus sets e's HTTP status and returns e.
func (e *Error) WithStatus(status int) *Error {
	e.HTTPStatus = status
	return e
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// Is matches a Code of the same exception type, so callers ask
// errors.Is(err, apierror.ResourceNotFoundException) rather than compare
// strings.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && string(c) == e.Type
}

// Code is an exception type to match with errors.Is; an *Error of that
// Type matches it. Only the types some caller tells apart are here.
type Code string

func (c Code) Error() string { return string(c) }

// Exception types callers tell apart.
const (
	ResourceNotFoundException Code = "ResourceNotFoundException"
	ServiceException          Code = "ServiceException"
)

// Status is the HTTP status AWS sends with this error type.
func (e *Error) Status() int {
	if e.HTTPStatus != 0 {
		return e.HTTPStatus
	}
	if s, ok := statusByType[e.Type]; ok {
		return s
	}
	return http.StatusBadRequest
}

// Fault is "User" for client errors and "Server" for service errors, as in
// the Type field of Lambda's error bodies.
func (e *Error) Fault() string {
	if e.Status() >= 500 {
		return "Server"
	}
	return "User"
}

// statusByType is the table: every exception type Gust raises and its status.
var statusByType = map[string]int{
	"InvalidParameterValueException":                http.StatusBadRequest,
	"ValidationException":                           http.StatusBadRequest,
	"InvalidRequestContentException":                http.StatusBadRequest,
	"UnsupportedMediaTypeException":                 http.StatusUnsupportedMediaType,
	"ResourceNotFoundException":                     http.StatusNotFound,
	"ResourceConflictException":                     http.StatusConflict,
	"PreconditionFailedException":                   http.StatusPreconditionFailed,
	"RequestEntityTooLargeException":                http.StatusRequestEntityTooLarge,
	"TooManyRequestsException":                      http.StatusTooManyRequests,
	"ServiceException":                              http.StatusInternalServerError,
	"ResourceNotReadyException":                     http.StatusBadGateway,
	"InvalidRuntimeException":                       http.StatusBadGateway,
	"InvalidZipFileException":                       http.StatusBadGateway,
	"UnrecognizedClientException":                   http.StatusForbidden,
	"InvalidSignatureException":                     http.StatusForbidden,
	"IncompleteSignatureException":                  http.StatusForbidden,
	"MissingAuthenticationTokenException":           http.StatusForbidden,
	"AccessDeniedException":                         http.StatusForbidden,
	"UnknownOperationException":                     http.StatusNotFound,
	"ProvisionedConcurrencyConfigNotFoundException": http.StatusNotFound,
	// CloudWatch Logs (JSON 1.1; see package doc on statuses).
	"InvalidParameterException":      http.StatusBadRequest,
	"SerializationException":         http.StatusBadRequest,
	"ResourceAlreadyExistsException": http.StatusBadRequest,
	"ServiceUnavailableException":    http.StatusServiceUnavailable,
}

func newf(typ, format string, args []any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// InvalidParameter is InvalidParameterValueException.
func InvalidParameter(format string, args ...any) *Error {
	return newf("InvalidParameterValueException", format, args)
}

// Validation is ValidationException, AWS's answer to a request that breaks
// the operation's model (pattern, length or range constraints).
func Validation(format string, args ...any) *Error {
	return newf("ValidationException", format, args)
}

// InvalidRequestContent is InvalidRequestContentException (unparseable body).
func InvalidRequestContent(format string, args ...any) *Error {
	return newf("InvalidRequestContentException", format, args)
}

// NotFound is ResourceNotFoundException.
func NotFound(format string, args ...any) *Error {
	return newf("ResourceNotFoundException", format, args)
}

// Conflict is ResourceConflictException.
func Conflict(format string, args ...any) *Error {
	return newf("ResourceConflictException", format, args)
}

// PreconditionFailed is PreconditionFailedException (a stale RevisionId).
func PreconditionFailed(format string, args ...any) *Error {
	return newf("PreconditionFailedException", format, args)
}

// TooLarge is RequestEntityTooLargeException.
func TooLarge(format string, args ...any) *Error {
	return newf("RequestEntityTooLargeException", format, args)
}

// TooManyRequests is TooManyRequestsException with a reason code.
func TooManyRequests(reason, format string, args ...any) *Error {
	e := newf("TooManyRequestsException", format, args)
	e.Reason = reason
	return e
}

// Service is ServiceException: our fault, not the caller's.
func Service(format string, args ...any) *Error {
	return newf("ServiceException", format, args)
}

// New builds an error of any type in the table.
func New(typ, format string, args ...any) *Error { return newf(typ, format, args) }

// As returns err as an *Error, wrapping anything else as ServiceException so
// that internal failures never leak as a wrong client error.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Service("%v", err)
}
