// Package apierror is the one table of AWS API errors Gust answers with.
//
// Business packages (control, invoke) return *Error values built here; the
// HTTP front ends write them in the wire form of their protocol. Each AWS
// exception type maps to exactly one HTTP status, so a type can never be sent
// with the wrong code. This package knows nothing about HTTP routing or
// about which operation failed.
package apierror
