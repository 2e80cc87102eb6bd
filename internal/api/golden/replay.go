package golden

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
)

// Exchange is one request and the response AWS gives it, as written in a
// golden file (a JSON array of them).
type Exchange struct {
	Name     string   `json:"name"`
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

// Request is what a golden step sends.
type Request struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// Response is what AWS answers: the status, the headers listed (others
// are not compared), and the body, compared whole with Match. A body of
// "<any>" marks a setup step whose body is not compared; no body means
// the answer has none.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// Sender sends one golden request to the server under test.
type Sender func(t *testing.T, r Request) (status int, header http.Header, body []byte)

// Replay sends every exchange of the golden file in order and reports
// each difference from the recorded answers. expand, when not nil, fills
// run-specific values into the golden bodies before they are compared.
func Replay(t *testing.T, file string, send Sender, expand *strings.Replacer) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var xs []Exchange
	if err := json.Unmarshal(raw, &xs); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	bound := map[string]string{}
	for _, x := range xs {
		status, hdr, got := send(t, x.Request)
		if status != x.Response.Status {
			t.Errorf("%s: status %d, want %d; body %s", x.Name, status, x.Response.Status, got)
			continue
		}
		for k, v := range x.Response.Headers {
			if hdr.Get(k) != v {
				t.Errorf("%s: header %s = %q, want %q", x.Name, k, hdr.Get(k), v)
			}
		}
		if string(x.Response.Body) == `"<any>"` {
			continue
		}
		if len(x.Response.Body) == 0 {
			if len(bytes.TrimSpace(got)) != 0 {
				t.Errorf("%s: body %s, want none", x.Name, got)
			}
			continue
		}
		wantText := string(x.Response.Body)
		if expand != nil {
			wantText = expand.Replace(wantText)
		}
		var want, have any
		if err := json.Unmarshal([]byte(wantText), &want); err != nil {
			t.Fatalf("%s: golden body: %v", x.Name, err)
		}
		if err := json.Unmarshal(got, &have); err != nil {
			t.Errorf("%s: response is not JSON: %s", x.Name, got)
			continue
		}
		for _, d := range Match(bound, "", want, have) {
			t.Errorf("%s: %s", x.Name, d)
		}
	}
}
