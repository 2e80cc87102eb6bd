// Package control owns the lifecycle of functions: it validates requests
// with AWS's rules and messages, stores function records and code, and keeps
// concurrent updates from losing writes (compare-and-swap on the record's
// store revision, exposed to users as RevisionId).
//
// It does not speak HTTP (package api/lambda translates), and it does not run
// anything (package invoke does).
package control
