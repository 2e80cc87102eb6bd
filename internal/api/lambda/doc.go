// Package lambda is the Lambda REST API (2015-03-31) front end: it routes
// AWS's paths, authenticates with SigV4, decodes requests into the shapes of
// package control, and writes responses and errors exactly as AWS does
// (rest-json: X-Amzn-ErrorType plus a JSON body).
//
// It holds no business logic: validation and storage live in control,
// running functions in invoke. router.go lists every route; each operation
// has its own file. Gust's own routes under /gust/v1/ (the code download
// behind GetFunction's Code.Location, metered usage) are served the same
// way and signed for the service "lambda".
package lambda
