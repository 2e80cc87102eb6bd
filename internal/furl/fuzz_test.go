package furl

import (
	"net/http/httptest"
	"testing"
)

// FuzzWriteResult: whatever a function returns, mapping it never panics
// and either writes a response or reports an error.
func FuzzWriteResult(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `"text"`, `{"statusCode":201,"headers":{"x":"y"},"cookies":["a=1"],"body":"b"}`,
		`{"statusCode":200,"body":"AAEC","isBase64Encoded":true}`, `{"statusCode":99}`, `null`, `[1,2]`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		w := httptest.NewRecorder()
		if err := WriteResult(w, payload); err == nil && w.Code == 0 {
			t.Fatal("no status written")
		}
	})
}

func TestHostID(t *testing.T) {
	id := "abcdefghijklmnopqrstuvwxyz234567"
	for host, want := range map[string]bool{
		id + ".lambda-url.us-east-1.localhost:9000": true,
		id + ".lambda-url.eu-west-1.example.com":    true,
		"localhost:9000":                            false,
		"abc.lambda-url.us-east-1.localhost":        false,
		id + ".lambda.us-east-1.localhost":          false,
	} {
		got, ok := HostID(host)
		if ok != want || (ok && got != id) {
			t.Errorf("HostID(%q) = %q %v", host, got, ok)
		}
	}
}
