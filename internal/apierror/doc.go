// Package apierror is the one table of AWS API errors Gust answers with.
//
// Business packages (control, invoke) return *Error values built here; the
// HTTP front ends write them in the wire form of their protocol. Each AWS
// exception type maps to exactly one HTTP status, so a type can never be sent
// with the wrong code. Those statuses are the REST protocol's (Lambda's);
// AWS's JSON 1.1 services (CloudWatch Logs) answer every client error with
// 400 and a server error with its status here, which package api/awsjson
// does. This package knows nothing about HTTP routing or about which
// operation failed.
package apierror
