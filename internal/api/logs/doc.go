// Package logs serves the subset of the CloudWatch Logs API (2014-03-28,
// JSON 1.1, SigV4 service "logs") that reading a function's logs needs:
// DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents,
// DeleteLogGroup, PutRetentionPolicy and DeleteRetentionPolicy. Shapes and
// limits follow botocore's model of the service; `aws logs tail --follow`
// (AWS CLI v2) needs only FilterLogEvents, which it polls.
//
// Like api/lambda it holds no business logic: each operation (one file
// each, listed in router.go) validates its input, calls the log store and
// shapes the answer. It hands its operations to package awsjson, which
// owns routing, authentication and the wire format of errors.
//
// Not implemented: writing (CreateLogGroup, CreateLogStream,
// PutLogEvents), StartLiveTail (an event-stream response), Logs Insights
// queries, metric and subscription filters, and cross-account
// identifiers. Calls to them get UnknownOperationException.
package logs
