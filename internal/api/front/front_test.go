package front

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gust/internal/api/awsquery"
	"gust/internal/api/sigv4"
)

func named(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(name)) })
}

func TestDoorRoutesByWhatTheRequestSays(t *testing.T) {
	query := awsquery.New(awsquery.Options{Verifier: &sigv4.Verifier{}}, awsquery.Service{SigningName: "sqs"})
	door := New(Options{JSON: named("json"), ByScope: map[string]http.Handler{"s3": named("s3")}, Query: query, Default: named("default")})
	scope := func(svc string) string {
		return "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/" + svc + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	cases := []struct {
		name, method, target, auth, contentType, want string
	}{
		{"json target", "POST", "/", scope("sqs"), "application/x-amz-json-1.0", "json"},
		{"s3 any path", "PUT", "/bucket/key", scope("s3"), "", "s3"},
		{"query form", "POST", "/", scope("sqs"), "application/x-www-form-urlencoded", "query"},
		{"query GET", "GET", "/?Action=ListQueues", scope("sqs"), "", "query"},
		{"query to a queue URL", "POST", "/000000000000/q", scope("sqs"), "application/x-www-form-urlencoded", "query"},
		{"lambda REST", "GET", "/2015-03-31/functions", scope("lambda"), "", "default"},
		{"form for a service not served", "POST", "/", scope("sns"), "application/x-www-form-urlencoded", "xml"},
		{"unsigned", "GET", "/health", "", "", "default"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, c.target, strings.NewReader(""))
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		if c.contentType != "" {
			r.Header.Set("Content-Type", c.contentType)
		}
		if c.name == "json target" {
			r.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
		}
		w := httptest.NewRecorder()
		door.ServeHTTP(w, r)
		got := w.Body.String()
		if c.want == "xml" {
			// Answered by the door in the query protocol's shape.
			if !strings.Contains(got, "<ErrorResponse") || !strings.Contains(got, "<Code>InvalidAction</Code>") || w.Code != 400 {
				t.Errorf("%s: %d %s, want an XML InvalidAction", c.name, w.Code, got)
			}
			continue
		}
		if c.want == "query" {
			// The query router answers (here: a signature it cannot check)
			// in XML.
			if !strings.Contains(got, "<ErrorResponse") {
				t.Errorf("%s: not routed to the query router: %s", c.name, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s: routed to %q, want %q", c.name, got, c.want)
		}
	}
}
