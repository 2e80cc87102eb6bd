package runtimeapi

// Header names of the Runtime API, as Lambda and its runtime clients spell
// them.
const (
	// Sent with each event on GET /next.
	headerRequestID       = "Lambda-Runtime-Aws-Request-Id"
	headerDeadlineMs      = "Lambda-Runtime-Deadline-Ms"
	headerInvokedARN      = "Lambda-Runtime-Invoked-Function-Arn"
	headerTraceID         = "Lambda-Runtime-Trace-Id"
	headerClientContext   = "Lambda-Runtime-Client-Context"
	headerCognitoIdentity = "Lambda-Runtime-Cognito-Identity"

	// Sent by the runtime when it posts a result. The error type and body
	// also arrive as trailers of a /response whose body failed midway
	// (aws-lambda-go does this when the handler's io.Reader fails).
	headerErrorType    = "Lambda-Runtime-Function-Error-Type"
	headerErrorBody    = "Lambda-Runtime-Function-Error-Body"
	headerResponseMode = "Lambda-Runtime-Function-Response-Mode"
)

// responseModeStreaming is the one response mode Lambda defines.
const responseModeStreaming = "streaming"
