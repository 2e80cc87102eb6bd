// Package insideapi lets functions call Gust, as Lambda functions call AWS
// with their execution role's credentials.
//
// API gives each function its execution role's temporary credentials
// (issued by package iam through Options.Credentials) and AWS_ENDPOINT_URL in its environment
// (FunctionEnv) and, when the sandbox backend's Isolation says environments
// have a network of their own, a sandbox.Attachment that serves Gust's HTTP
// handler inside each one (through the instance's own
// sandbox.InsideListener), at an address only that environment sees. No
// veth pair, route or NAT is involved: a namespace still has only its
// loopback interface.
//
// It does not give functions a path to anything but Gust (package egress
// does, for --outbound full, alongside this package's endpoint), and it
// neither mints nor checks credentials: package iam does both, and what a
// function's credentials may do is what its role's policies allow.
package insideapi
