// Package invoke is the invocation service: it resolves the function and
// qualifier, applies Lambda's admission rules (payload, concurrency), finds
// the function's unpacked code, runs the event in an environment from envs
// and shapes the result as Lambda's Invoke response.
//
// It does not speak HTTP and does not manage environments itself.
package invoke
