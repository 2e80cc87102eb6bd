package reqinfo

import (
	"context"
	"net"
	"net/http"
)

// Info is what an operation may need of the HTTP request itself.
type Info struct {
	// Host is the Host header the client used (queue URLs follow it).
	Host string
	// Path is the request path (older SQS clients post to the queue URL).
	Path string
	// SourceIP is the client's address without port.
	SourceIP  string
	RequestID string
}

type key struct{}

// With returns ctx carrying r's information.
func With(ctx context.Context, r *http.Request, reqID string) context.Context {
	ip := r.RemoteAddr
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	return context.WithValue(ctx, key{}, Info{Host: r.Host, Path: r.URL.Path, SourceIP: ip, RequestID: reqID})
}

// From returns the information With stored (zero when none).
func From(ctx context.Context) Info {
	i, _ := ctx.Value(key{}).(Info)
	return i
}
