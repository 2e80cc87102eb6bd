// Package reqinfo carries what an operation may need of its HTTP request
// (the Host the client used, the path, the source address, the request id)
// through the context, for every protocol router alike.
//
// It does not parse requests or decide anything about them.
package reqinfo
