// Package front is the door every AWS-shaped request comes through: it
// decides, from what the request itself says, which protocol router serves
// it, so that one AWS_ENDPOINT_URL reaches every service as one region does.
//
//   - X-Amz-Target present: a JSON protocol call (CloudWatch Logs,
//     EventBridge, SQS's JSON protocol, Kinesis, ...).
//   - the credential scope names a service routed by scope (S3, whose REST
//     paths would otherwise collide with everything else).
//   - the credential scope names a query-protocol service and the request
//     is a query call (form POST or ?Action=): IAM, STS, SNS, CloudWatch,
//     SQS's older query protocol.
//   - anything else: the default handler (the Lambda REST API, Gust's own
//     routes, the console, health and metrics).
//
// It authenticates nothing itself: each router verifies SigV4 for its own
// service before any operation runs. Host-named data planes (function URLs,
// virtual-hosted buckets, execute-api) are matched by their own wrappers
// around this handler.
package front
