package httpapi

import (
	"errors"
	"net/http/httptest"
	"testing"
)

func TestDecidePolicy(t *testing.T) {
	h := NewHandler(Options{Region: "us-east-1", AccountID: "000000000000"})
	q := &request{r: httptest.NewRequest("GET", "/prod/items/1", nil), api: &API{ID: "abc"}, stage: "prod", path: "/items/1"}
	au := &Authorizer{AuthorizerPayloadFormatVersion: "1.0"}
	arn := "arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/items/1"
	if got := h.routeARN(q); got != arn {
		t.Fatalf("routeARN %s", got)
	}
	policy := func(effect, resource string) []byte {
		return []byte(`{"principalId":"u1","context":{"k":"v"},"policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Action":"execute-api:Invoke","Resource":` + resource + `}]}}`)
	}
	for _, c := range []struct {
		payload []byte
		allowed bool
	}{
		{policy("Allow", `"`+arn+`"`), true},
		{policy("Allow", `["arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/*"]`), true},
		{policy("Allow", `"arn:aws:execute-api:us-east-1:000000000000:abc/prod/POST/*"`), false},
		{policy("Deny", `"*"`), false},
		{[]byte(`{"principalId":"u1","policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},{"Effect":"Deny","Action":"execute-api:*","Resource":"` + arn + `"}]}}`), false},
	} {
		v, err := h.decide(q, au, c.payload)
		if c.allowed && (err != nil || v.principalID != "u1" || v.context["k"] != "v") {
			t.Errorf("%s: %v %v, want allowed", c.payload, v, err)
		}
		if !c.allowed && !errors.Is(err, errForbidden) {
			t.Errorf("%s: %v %v, want forbidden", c.payload, v, err)
		}
	}
	// A simple response is only read when the authorizer enables them.
	if _, err := h.decide(q, au, []byte(`{"isAuthorized":true}`)); err == nil || errors.Is(err, errForbidden) {
		t.Errorf("simple response without EnableSimpleResponses: %v", err)
	}
	if _, err := h.decide(q, au, []byte(`not json`)); err == nil || errors.Is(err, errForbidden) {
		t.Errorf("malformed: %v", err)
	}
}
