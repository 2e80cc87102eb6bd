// Package origin names one web origin (scheme, host name, port) and says
// whether a request arrived for it. The console is served on exactly one
// origin and function content never on that one (see docs/architecture.md,
// "The console's origin"): this is the comparison both sides make.
//
// It compares the Host header only: the scheme a request used cannot be
// known behind a TLS proxy, and a browser's origin boundary is crossed by a
// change of host name or port alone. It does not resolve names, so
// "localhost" and "127.0.0.1" are different origins, as they are to a
// browser.
package origin
