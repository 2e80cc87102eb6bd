package httpapi

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultRouteKey is the catch-all route.
const DefaultRouteKey = "$default"

// ParseRouteKey splits a route key "METHOD /path" and checks it as API
// Gateway does for HTTP APIs; "$default" gives method and path "".
func ParseRouteKey(key string) (method, path string, err error) {
	if key == DefaultRouteKey {
		return "", "", nil
	}
	method, path, ok := strings.Cut(key, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		return "", "", fmt.Errorf("invalid route key %q", key)
	}
	switch method {
	case "ANY", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
	default:
		return "", "", fmt.Errorf("invalid method %q", method)
	}
	segs := strings.Split(path[1:], "/")
	for i, s := range segs {
		if s == "" && !(len(segs) == 1) {
			return "", "", fmt.Errorf("empty path segment")
		}
		if strings.ContainsAny(s, "{}") {
			if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") || len(s) < 3 || strings.ContainsAny(s[1:len(s)-1], "{}") {
				return "", "", fmt.Errorf("invalid path variable %q", s)
			}
			if strings.HasSuffix(s, "+}") && i != len(segs)-1 {
				return "", "", fmt.Errorf("greedy variable %q not last", s)
			}
		}
	}
	return method, path, nil
}

// segment kinds, in order of precedence.
const (
	literal = iota
	variable
	greedy
)

func kind(seg string) int {
	switch {
	case strings.HasSuffix(seg, "+}"):
		return greedy
	case strings.HasPrefix(seg, "{"):
		return variable
	}
	return literal
}

// Match finds the route a request with method and rawPath (relative to the
// stage) takes among routes, as API Gateway does: the most specific path
// first (literal segments before variables, greedy variables last), a
// route for the method before ANY, and $default when nothing else matches.
// It returns the path parameters, unescaped.
func Match(routes []Route, method, rawPath string) (*Route, map[string]string, bool) {
	var best *Route
	var bestParams map[string]string
	var bestKinds []int
	var bestAny bool
	var fallback *Route
	reqSegs := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	for i := range routes {
		r := &routes[i]
		if r.RouteKey == DefaultRouteKey {
			fallback = r
			continue
		}
		m, p, err := ParseRouteKey(r.RouteKey)
		if err != nil || (m != "ANY" && m != method) {
			continue
		}
		params, kinds, ok := matchPath(strings.Split(p[1:], "/"), reqSegs)
		if !ok {
			continue
		}
		isAny := m == "ANY"
		if best == nil || better(kinds, isAny, bestKinds, bestAny) {
			best, bestParams, bestKinds, bestAny = r, params, kinds, isAny
		}
	}
	if best != nil {
		return best, bestParams, true
	}
	if fallback != nil {
		return fallback, nil, true
	}
	return nil, nil, false
}

func better(kinds []int, isAny bool, than []int, thanAny bool) bool {
	for i := 0; i < len(kinds) && i < len(than); i++ {
		if kinds[i] != than[i] {
			return kinds[i] < than[i]
		}
	}
	if len(kinds) != len(than) {
		return len(kinds) > len(than)
	}
	return !isAny && thanAny
}

func matchPath(route, req []string) (map[string]string, []int, bool) {
	var params map[string]string
	kinds := make([]int, len(route))
	for i, seg := range route {
		kinds[i] = kind(seg)
		if kinds[i] == greedy {
			if i >= len(req) || (len(req) == i+1 && req[i] == "") {
				return nil, nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[seg[1:len(seg)-2]] = unescape(strings.Join(req[i:], "/"))
			return params, kinds, true
		}
		if i >= len(req) {
			return nil, nil, false
		}
		switch kinds[i] {
		case literal:
			if unescape(req[i]) != seg {
				return nil, nil, false
			}
		case variable:
			if req[i] == "" {
				return nil, nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[seg[1:len(seg)-1]] = unescape(req[i])
		}
	}
	return params, kinds, len(route) == len(req)
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
