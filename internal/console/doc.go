// Package console serves Gust's web console at /console/: the built
// front-end (embedded from dist/, whose sources are in web/) and a small
// JSON facade under /console/api/.
//
// The browser never signs requests itself. It signs in once with the
// access key pair (POST /console/api/session); the pair is checked against
// the server's and answered with an HttpOnly, SameSite=Strict cookie
// holding a random session id kept only in this process's memory. Requests
// under /console/api/aws/ are then re-signed here with the server's own
// credentials (SigV4, service lambda or logs) and served in-process by the
// same handler as the public API, so the console sees exactly what the AWS
// tools see and there is no second implementation of any operation.
//
// It deliberately does not store anything: sessions end with the process,
// and there is one user (the server's key pair), as in the rest of Gust.
package console
