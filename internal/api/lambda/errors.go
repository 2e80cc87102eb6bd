package lambda

import (
	"encoding/json"
	"errors"
	"net/http"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
)

// Lambda's error bodies differ by error type: each carries the members of
// its shape in botocore's model of the API (data/lambda/2015-03-31), so
// some say "Message" and others "message", and errors the model does not
// describe (ValidationException, RequestEntityTooLargeException,
// AccessDeniedException, UnknownOperationException) carry no Type.

// capitalMessage lists the modeled types whose shape names the member
// "Message"; every other modeled type names it "message".
var capitalMessage = map[string]bool{
	"CallbackTimeoutException":             true,
	"CodeSigningConfigNotFoundException":   true,
	"CodeVerificationFailedException":      true,
	"EC2AccessDeniedException":             true,
	"EC2ThrottledException":                true,
	"EC2UnexpectedException":               true,
	"EFSIOException":                       true,
	"EFSMountConnectivityException":        true,
	"EFSMountFailureException":             true,
	"EFSMountTimeoutException":             true,
	"ENILimitReachedException":             true,
	"InvalidCodeSignatureException":        true,
	"InvalidRuntimeException":              true,
	"InvalidSecurityGroupIDException":      true,
	"InvalidSubnetIDException":             true,
	"InvalidZipFileException":              true,
	"KMSAccessDeniedException":             true,
	"KMSDisabledException":                 true,
	"KMSInvalidStateException":             true,
	"KMSNotFoundException":                 true,
	"NoPublishedVersionException":          true,
	"RecursiveInvocationException":         true,
	"ResourceInUseException":               true,
	"ResourceNotFoundException":            true,
	"ServiceException":                     true,
	"SnapStartException":                   true,
	"SnapStartNotReadyException":           true,
	"SnapStartTimeoutException":            true,
	"SubnetIPAddressLimitReachedException": true,
}

// lowerMessage lists the modeled types whose shape names it "message".
var lowerMessage = map[string]bool{
	"CodeStorageExceededException":                  true,
	"InvalidParameterValueException":                true,
	"InvalidRequestContentException":                true,
	"PolicyLengthExceededException":                 true,
	"PreconditionFailedException":                   true,
	"ProvisionedConcurrencyConfigNotFoundException": true,
	"RequestTooLargeException":                      true,
	"ResourceConflictException":                     true,
	"ResourceNotReadyException":                     true,
	"SerializedRequestEntityTooLargeException":      true,
	"TooManyRequestsException":                      true,
	"UnsupportedMediaTypeException":                 true,
}

// errorBody renders e as AWS's Lambda does.
func errorBody(e *apierror.Error) map[string]any {
	var msg any = e.Message
	if e.Message == "" {
		msg = nil
	}
	switch {
	case lowerMessage[e.Type]:
		b := map[string]any{"Type": e.Fault(), "message": msg}
		if e.Reason != "" {
			b["Reason"] = e.Reason
		}
		return b
	case capitalMessage[e.Type]:
		return map[string]any{"Type": e.Fault(), "Message": msg}
	default:
		return map[string]any{"Message": msg}
	}
}

func writeError(w http.ResponseWriter, err error) {
	e := apierror.As(err)
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	writeJSON(w, e.Status(), errorBody(e))
}

// writeAuthError answers a request that failed authentication as the front
// of AWS's JSON services does: the type in X-Amzn-ErrorType and a body of
// {"message": ...}.
func writeAuthError(w http.ResponseWriter, err error) {
	var se *sigv4.Error
	if !errors.As(err, &se) {
		se = &sigv4.Error{Code: sigv4.CodeInvalidSignature, Message: err.Error(), StatusCode: http.StatusForbidden}
	}
	w.Header().Set("X-Amzn-ErrorType", se.Code)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(se.StatusCode)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": se.Message})
}
