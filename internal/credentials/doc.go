// Package credentials finds the API key pair a server accepts: the one it
// was given, or one stored in its data directory, or a new one it generates
// and stores there (AWS shared-credentials INI format, mode 0600). It does
// not verify requests; package api/sigv4 does.
package credentials
