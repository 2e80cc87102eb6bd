// Package awsjson serves AWS's JSON 1.1 protocol, which CloudWatch Logs
// (and later EventBridge) speak on the same endpoint as the Lambda API:
// every call is POST / with the operation in X-Amz-Target
// ("Logs_20140328.FilterLogEvents"), a JSON body in and out
// (application/x-amz-json-1.1), and errors as status 400 (500 for the
// service's own faults) with {"__type": "...Exception", "message": "..."},
// which is how botocore and aws-sdk-go-v2 read them.
//
// A Router dispatches on the target's prefix to a Service, authenticates the
// request with SigV4 for that service's signing name, decodes the body into
// the operation's input, calls it and writes its output or error. A POST /
// without X-Amz-Target is not a JSON 1.1 call and goes to the fallback
// handler.
//
// It holds no business logic and no service's shapes: packages such as
// api/logs own their operations and hand them over as a Service.
package awsjson
