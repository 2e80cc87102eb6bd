package sigv4

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestVerifyPublishedSuite checks Verify against AWS's own SigV4 test suite:
// signatures computed by AWS, not by any code in this repository.
func TestVerifyPublishedSuite(t *testing.T) {
	files, err := filepath.Glob("testdata/aws-sig-v4-test-suite/*.sreq")
	if err != nil || len(files) == 0 {
		t.Fatalf("no suite files: %v", err)
	}
	v := verifierAt(time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC))
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".sreq"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, body := parseSuiteRequest(t, string(raw))
			p, err := v.Verify(r, body, "service")
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if p != (Principal{AccessKeyID: testKeyID, Region: "us-east-1", Service: "service"}) {
				t.Errorf("principal = %+v", p)
			}
		})
	}
}

// parseSuiteRequest reads the suite's format by hand: its request lines hold
// raw bytes ("/example space/") that http.ReadRequest would refuse, and that
// is exactly what must reach Verify as RequestURI.
func parseSuiteRequest(t *testing.T, raw string) (*http.Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(strings.TrimRight(head, "\n"), "\n")
	method, rest, _ := strings.Cut(lines[0], " ")
	target := rest[:strings.LastIndexByte(rest, ' ')]
	r := &http.Request{
		Method:     method,
		RequestURI: target,
		URL:        &url.URL{Path: "/"},
		Header:     http.Header{},
	}
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		if strings.EqualFold(name, "Host") {
			r.Host = value
			continue
		}
		r.Header.Add(name, strings.TrimSpace(value))
	}
	return r, []byte(body)
}
