// Package insideapi lets functions call Gust, as Lambda functions call AWS
// with their execution role's credentials.
//
// Credentials derives a key pair per function (an HMAC of the server's
// secret and the function name) and answers SigV4 lookups for the keys it
// handed out (any CredentialSource can take its place). API gives each
// function those credentials and AWS_ENDPOINT_URL in its environment
// (FunctionEnv) and, when the sandbox backend's Isolation says environments
// have a network of their own, a sandbox.Attachment that serves Gust's HTTP
// handler inside each one (through the instance's own
// sandbox.InsideListener), at an address only that environment sees. No
// veth pair, route or NAT is involved: a namespace still has only its
// loopback interface.
//
// It does not give functions a path to anything but Gust (package egress
// does, for --outbound full, alongside this package's endpoint), and
// the credentials carry no permissions model: Gust has no IAM, so a
// function's key may call every operation the server's own key may.
package insideapi
