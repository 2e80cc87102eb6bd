// Package logstore keeps what functions print, the way CloudWatch Logs
// does: log groups (one per function by default, /aws/lambda/<name>), log
// streams (one per execution environment) and timestamped events, with a
// retention period per group.
//
// Two halves:
//
//   - Writer is the envs.LogSink. It never blocks the environment that
//     prints: lines go into a bounded queue that one goroutine drains into
//     an Appender in batches; when the queue is full the line is dropped
//     and counted (Stats), so a slow or failing store costs lines, never
//     latency.
//   - Store is the Appender and the query side, on JetStream through
//     package store: each log group is one stream (named after a hash of
//     the group name, which is kept in the stream's metadata), each log
//     stream one key in it; the lines of a log stream that arrive in one
//     batch share a message, each line with its timestamp. An event's ID
//     is its message's sequence number and its index in the message, and
//     the position tokens are built from it. A group's retention is the
//     stream's MaxAge, so JetStream deletes expired events itself; queries
//     also hide events older than the retention at once.
//
// It does not speak the CloudWatch Logs wire protocol (package api/logs
// does), does not accept events from clients (no PutLogEvents), and does
// not index messages: a filter scans the group's events from the start
// time on, bounded per call (Query, Page.Next).
package logstore
