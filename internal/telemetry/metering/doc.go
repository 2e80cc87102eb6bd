// Package metering keeps the bill: for every invocation, one request and
// its billed duration (milliseconds, rounded up by envs) times its memory,
// which gives GB-seconds; priced with a configurable table whose default
// is AWS Lambda's public x86 price in us-east-1.
//
// Observe adds a record to an in-memory bucket per function and minute (the
// minute the invocation started) and returns: the invoke path never waits
// for storage. One goroutine, stopped by Close, appends the buckets'
// increments to a JetStream stream every few seconds and at Close, so usage
// survives restarts; a crash (kill -9) loses at most the last interval. A
// batch that could not be stored is sent again with the same message IDs,
// so JetStream keeps each increment once even if part of it got through
// (within its two-minute duplicate window).
// Sums are kept as integers (requests, milliseconds, MB·milliseconds), so
// GB-seconds are exact up to the final division. Several nodes append
// their own increments to the same stream and Usage adds them all up, plus
// this node's not yet stored ones.
//
// Usage reports a time range with minute granularity: an invocation
// counts in every range that overlaps the minute it started in. Its
// increments are looked for from an hour before the range on, so a range
// misses invocations whose increments could not be stored for over an
// hour. It does not bill the init phase separately (the REPORT line's
// Billed Duration is what is billed), provisioned concurrency, ephemeral
// storage above 512 MB or arm64 prices; those come with their features.
package metering
