// Package control owns the lifecycle of functions: it validates requests
// with AWS's rules and messages, stores function records and code, and keeps
// concurrent updates from losing writes (compare-and-swap on the record's
// store revision; a write that loses the race reloads the record and
// applies the change again). Lambda's RevisionId is a UUID kept in the
// record and replaced on every change; a caller's RevisionId must match it.
//
// It does not speak HTTP (package api/lambda translates), and it does not run
// anything (package invoke does).
package control
