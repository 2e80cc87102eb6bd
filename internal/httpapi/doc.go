// Package httpapi is API Gateway's HTTP APIs: it keeps each API's
// configuration (routes, integrations, stages, deployments, CORS, tags) as
// one record per API in a KV table, and serves the deployed stages: it
// matches a request to a route as API Gateway does, builds the payload
// format 1.0 or 2.0 event, invokes the integrated function synchronously and
// maps its result back to the HTTP response.
//
// An API is reached by host (<api-id>.execute-api.<region>.<domain>) or by
// path (/gust/v1/execute-api/<api-id>/...), never on the console's origin.
//
// It does not do REST or WebSocket APIs, HTTP_PROXY or private integrations,
// mutual TLS, custom domains, access logs or throttling settings (stored,
// not enforced).
package httpapi
