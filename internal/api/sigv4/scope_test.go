package sigv4

import (
	"net/http/httptest"
	"testing"
)

func TestScopeService(t *testing.T) {
	cases := []struct {
		name, auth, url, want string
	}{
		{"header", "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x", "/", "sqs"},
		{"presigned", "", "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request", "s3"},
		{"unsigned", "", "/", ""},
		{"malformed scope", "AWS4-HMAC-SHA256 Credential=AK/us-east-1/s3, Signature=x", "/", ""},
		{"other algorithm", "AWS AK:sig", "/", ""},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", c.url, nil)
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		if got := ScopeService(r); got != c.want {
			t.Errorf("%s: ScopeService = %q, want %q", c.name, got, c.want)
		}
	}
}
