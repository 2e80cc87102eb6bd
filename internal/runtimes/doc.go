// Package runtimes is the catalogue of Lambda runtime identifiers Gust
// accepts and what each one needs to start. It does not start anything.
package runtimes
