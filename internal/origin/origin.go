package origin

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Origin is scheme://host[:port]. The zero Origin matches no request.
type Origin struct {
	scheme, host, port string // host lower-case; port always set
}

// Parse reads an http(s)://host[:port] URL (a path of "/" at most).
func Parse(s string) (Origin, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Origin{}, fmt.Errorf("parsing origin %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return Origin{}, fmt.Errorf("origin %q: want http(s)://host[:port]", s)
	}
	o := Origin{scheme: u.Scheme, host: canonicalHost(u.Hostname()), port: u.Port()}
	if o.port == "" {
		o.port = o.defaultPort()
	}
	return o, nil
}

func canonicalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

func (o Origin) defaultPort() string {
	if o.scheme == "https" {
		return "443"
	}
	return "80"
}

// IsZero reports whether o is the zero Origin.
func (o Origin) IsZero() bool { return o.scheme == "" }

// HTTPS reports whether o's scheme is https.
func (o Origin) HTTPS() bool { return o.scheme == "https" }

// String is scheme://host[:port], the port left out when it is the
// scheme's default.
func (o Origin) String() string {
	if o.IsZero() {
		return ""
	}
	host := o.host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if o.port == o.defaultPort() {
		return o.scheme + "://" + host
	}
	return o.scheme + "://" + host + ":" + o.port
}

// HostPort is o's host and port as a Host header names it.
func (o Origin) HostPort() string { return net.JoinHostPort(o.host, o.port) }

// Matches reports whether host (a Host header: name[:port]) names o's
// host and port; a Host without a port means o's scheme's default port,
// as a TLS proxy in front of Gust forwards it.
func (o Origin) Matches(host string) bool {
	if o.IsZero() {
		return false
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), o.defaultPort()
	}
	return canonicalHost(name) == o.host && port == o.port
}

// Serves reports whether r was sent to o (by its Host header).
func (o Origin) Serves(r *http.Request) bool { return o.Matches(r.Host) }
