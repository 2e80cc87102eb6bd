// Package gusttest starts real gust servers for end-to-end tests: the
// binary built from this module, a random port, a temporary data directory,
// and AWS SDK clients pointed at it. Nothing in it is used by the server.
package gusttest
