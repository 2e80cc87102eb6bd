// Package insideapi lets functions call Gust, as Lambda functions call AWS
// with their execution role's credentials.
//
// Backend wraps a sandbox backend: each environment gets its function's
// execution-role credentials (temporary, issued by package iam through
// Options.Credentials) and AWS_ENDPOINT_URL in its environment, and, when the
// sandbox can listen inside the environment's own network namespace
// (sandbox.InsideListener), Gust's HTTP handler is served there, at an
// address only that environment sees. No veth pair, route or NAT is
// involved: a namespace still has only its loopback interface.
//
// It does not give functions a path to anything but Gust (package egress
// does, for --outbound full, alongside this package's endpoint), and it
// neither mints nor checks credentials: package iam does both, and what a
// function's credentials may do is what its role's policies allow.
package insideapi
