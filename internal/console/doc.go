// Package console serves Gust's web console at /console/: the built
// front-end (embedded from dist/, whose sources are in web/) and a small
// JSON facade under /console/api/.
//
// The browser never signs requests itself. It signs in once with an access
// key pair (POST /console/api/session) that Options.Lookup — the API's own
// key lookup — knows; the answer is an HttpOnly, SameSite=Strict cookie
// holding a random session id kept only in this process's memory, with the
// pair. Requests under /console/api/aws/ are then signed here with that
// session's pair (SigV4, service lambda or logs) and served in-process by
// the same handler as the public API, so the console sees and may do
// exactly what the AWS tools may with that key, and there is no second
// implementation of any operation or permission.
//
// The console is served on one origin only (Options.Origin); requests on
// other hosts are redirected or refused, so that pages served elsewhere
// (function URLs) are never same-origin with it. Sign-in attempts are rate
// limited per source address and logged.
//
// It deliberately does not store anything: sessions end with the process.
package console
