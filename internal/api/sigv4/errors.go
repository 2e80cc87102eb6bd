package sigv4

import (
	"fmt"
	"net/http"
)

// The error codes Verify returns, spelled as AWS's JSON services (Lambda,
// CloudWatch Logs, EventBridge) put them in X-Amzn-ErrorType.
const (
	// CodeMissingAuthenticationToken: neither an Authorization header nor a
	// presigned query string.
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	// CodeIncompleteSignature: the authentication data is present but
	// malformed (missing parts, unparseable credential or date).
	CodeIncompleteSignature = "IncompleteSignatureException"
	// CodeUnrecognizedClient: the access key id is not known.
	CodeUnrecognizedClient = "UnrecognizedClientException"
	// CodeInvalidSignature: the signature does not match, the credential is
	// scoped to another service, or the request time is outside the window.
	CodeInvalidSignature = "InvalidSignatureException"
	// CodeAccessDenied: a presigned URL used after X-Amz-Expires.
	CodeAccessDenied = "AccessDeniedException"
	// CodeExpiredToken: temporary credentials past their expiry.
	CodeExpiredToken = "ExpiredTokenException"
)

// The fixed texts AWS answers with; clients and people search for them
// verbatim, so they are kept word for word.
const (
	msgMissingToken      = "Missing Authentication Token"
	msgUnrecognized      = "The security token included in the request is invalid."
	msgExpiredToken      = "The security token included in the request is expired"
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	// S3 answers an expired presigned URL with AccessDenied "Request has
	// expired"; Code.Location is an S3 URL in AWS, so Gust's stand-in answers
	// the same way.
	msgRequestExpired = "Request has expired"
)

// Error is an authentication failure shaped like AWS's: Code is the error
// type (X-Amzn-ErrorType, "__type"), Message the human text, StatusCode the
// HTTP status to answer with. Every error Verify returns is an *Error; use
// errors.As and switch on Code rather than matching Message.
type Error struct {
	Code       string
	Message    string
	StatusCode int
}

func (e *Error) Error() string {
	return e.Code + ": " + e.Message
}

// authError builds an *Error. AWS answers every SigV4 authentication failure
// with 403 (Lambda's CommonErrors lists IncompleteSignature,
// MissingAuthenticationToken and UnrecognizedClientException as 403, and the
// InvalidSignatureException bodies seen in the wild come with 403 too).
func authError(code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, StatusCode: http.StatusForbidden}
}
