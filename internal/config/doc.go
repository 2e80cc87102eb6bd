// Package config holds Gust's server configuration: one struct, its
// documented defaults, and Validate. It does not read flags, files or the
// environment; cmd/gust does that and fills the struct.
package config
