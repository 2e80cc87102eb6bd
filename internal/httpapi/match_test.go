package httpapi

import (
	"maps"
	"testing"
)

func TestMatch(t *testing.T) {
	routes := []Route{
		{RouteKey: "$default"},
		{RouteKey: "GET /items/{id}"},
		{RouteKey: "GET /items/special"},
		{RouteKey: "ANY /items/{id}"},
		{RouteKey: "POST /items"},
		{RouteKey: "ANY /files/{proxy+}"},
		{RouteKey: "GET /files/{dir}/{name}"},
	}
	cases := []struct {
		method, path, want string
		params             map[string]string
	}{
		{"GET", "/items/42", "GET /items/{id}", map[string]string{"id": "42"}},
		{"GET", "/items/special", "GET /items/special", nil},
		{"DELETE", "/items/42", "ANY /items/{id}", map[string]string{"id": "42"}},
		{"POST", "/items", "POST /items", nil},
		{"GET", "/items", "$default", nil},
		{"GET", "/files/a/b", "GET /files/{dir}/{name}", map[string]string{"dir": "a", "name": "b"}},
		{"GET", "/files/a/b/c", "ANY /files/{proxy+}", map[string]string{"proxy": "a/b/c"}},
		{"PUT", "/files/a%20b", "ANY /files/{proxy+}", map[string]string{"proxy": "a b"}},
		{"GET", "/files/", "$default", nil},
		{"GET", "/nothing", "$default", nil},
	}
	for _, c := range cases {
		r, params, ok := Match(routes, c.method, c.path)
		if !ok || r.RouteKey != c.want || !maps.Equal(params, c.params) {
			t.Errorf("%s %s: got %v %v %v, want %s %v", c.method, c.path, r, params, ok, c.want, c.params)
		}
	}
	if _, _, ok := Match(routes[1:], "GET", "/nothing"); ok {
		t.Error("matched without $default")
	}
}

func TestParseRouteKey(t *testing.T) {
	for _, k := range []string{"$default", "GET /", "ANY /a/{b}", "POST /a/{proxy+}"} {
		if _, _, err := ParseRouteKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range []string{"", "GET", "get /a", "FETCH /a", "GET a", "GET /a/{p+}/b", "GET /a//b", "GET /{a", "GET /a}", "GET /{}"} {
		if _, _, err := ParseRouteKey(k); err == nil {
			t.Errorf("%q accepted", k)
		}
	}
}
