package sigv4

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestPresignRoundTrip(t *testing.T) {
	const expires = 10 * time.Minute
	// The clock is read by the server's goroutine and set by the test's.
	var now atomic.Int64
	v := &Verifier{Lookup: testLookup, Now: func() time.Time { return time.Unix(now.Load(), 0) }}
	srv, results := verifyingServer(t, v, "lambda")

	signed, err := Presign(srv.URL+"/code/arn:aws:lambda:us-east-1:123456789012:function:f/v1.zip?versionId=a%2Fb+c",
		testKeyID, testSecret, "eu-central-1", "lambda", expires, testNow)
	if err != nil {
		t.Fatalf("Presign: %v", err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get(qExpires); got != strconv.Itoa(int(expires/time.Second)) {
		t.Errorf("X-Amz-Expires = %q", got)
	}
	if got := u.Query().Get("versionId"); got != "a/b c" {
		t.Errorf("caller's query lost: versionId = %q", got)
	}

	get := func(t *testing.T, method, rawURL string, body []byte) verdict {
		t.Helper()
		r, err := http.NewRequest(method, rawURL, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := send(t, srv, results, r)
		return got
	}
	tamper := func(old, new string) string {
		if !strings.Contains(signed, old) {
			t.Fatalf("%q not in %s", old, signed)
		}
		return strings.Replace(signed, old, new, 1)
	}

	tests := []struct {
		name   string
		at     time.Time
		method string
		url    string
		body   []byte
		code   string
		msg    string
	}{
		{name: "fresh", at: testNow.Add(time.Minute)},
		{name: "at signing time", at: testNow},
		{name: "last valid second", at: testNow.Add(expires)},
		{name: "expired", at: testNow.Add(expires + time.Second), code: CodeAccessDenied, msg: "Request has expired"},
		{name: "long expired", at: testNow.Add(24 * time.Hour), code: CodeAccessDenied, msg: "Request has expired"},
		{
			name: "not yet valid", at: testNow.Add(-16 * time.Minute), code: CodeInvalidSignature,
			msg: "Signature not yet current: 20240101T000000Z is still later than 20231231T235900Z (20231231T234400Z + 15 min.)",
		},
		{name: "expiry extended", at: testNow, url: tamper("X-Amz-Expires=600", "X-Amz-Expires=6000"), code: CodeInvalidSignature, msg: msgSignatureMismatch},
		{name: "other object", at: testNow, url: tamper("/v1.zip", "/v2.zip"), code: CodeInvalidSignature, msg: msgSignatureMismatch},
		{name: "parameter added", at: testNow, url: signed + "&extra=1", code: CodeInvalidSignature, msg: msgSignatureMismatch},
		{name: "POST with a body", at: testNow, method: "POST", body: []byte("payload"), code: CodeInvalidSignature, msg: msgSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now.Store(tt.at.Unix())
			method, target := tt.method, tt.url
			if method == "" {
				method = "GET"
			}
			if target == "" {
				target = signed
			}
			got := get(t, method, target, tt.body)
			if tt.code == "" {
				if got.err != nil {
					t.Fatalf("Verify: %v", got.err)
				}
				want := Principal{AccessKeyID: testKeyID, Region: "eu-central-1", Service: "lambda", Presigned: true}
				if got.principal != want {
					t.Errorf("principal = %+v, want %+v", got.principal, want)
				}
				return
			}
			wantCode(t, got.err, tt.code, tt.msg)
		})
	}

	t.Run("other service", func(t *testing.T) {
		r, _ := http.NewRequest("GET", signed, nil)
		_, err := verifierAt(testNow).Verify(r, nil, "logs")
		wantCode(t, err, CodeInvalidSignature, "Credential should be scoped to correct service: 'logs'. ")
	})
}

func TestPresignRejectsBadInput(t *testing.T) {
	const u = "https://gust.example.com/code/fn.zip"
	tests := []struct {
		name                        string
		url, id, secret, region, sv string
		expires                     time.Duration
	}{
		{name: "zero expiry", expires: 0},
		{name: "sub-second expiry", expires: time.Millisecond},
		{name: "more than a week", expires: 7*24*time.Hour + time.Second},
		{name: "relative URL", url: "/code/fn.zip"},
		{name: "other scheme", url: "ftp://gust.example.com/x"},
		{name: "unparseable URL", url: "http://[::1"},
		{name: "already presigned", url: u + "?X-Amz-Signature=abc"},
		{name: "undecodable query", url: u + "?a=%zz"},
		{name: "no key id", id: "-"},
		{name: "no secret", secret: "-"},
		{name: "invalid region", region: "EU WEST"},
		{name: "no service", sv: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pick := func(v, def string) string {
				switch v {
				case "":
					return def
				case "-":
					return ""
				}
				return v
			}
			expires := tt.expires
			if expires == 0 && tt.name != "zero expiry" {
				expires = time.Hour
			}
			got, err := Presign(pick(tt.url, u), pick(tt.id, testKeyID), pick(tt.secret, testSecret),
				pick(tt.region, testRegion), pick(tt.sv, "lambda"), expires, testNow)
			if err == nil {
				t.Fatalf("Presign = %q, want an error", got)
			}
			if !strings.HasPrefix(err.Error(), "presigning ") {
				t.Errorf("error %q is not wrapped with what was being done", err)
			}
		})
	}
}

// A presigned request from the SDK's own presigner, with a session token,
// an explicit payload hash and no X-Amz-Expires (as STS-style presigners
// send): held to the clock window like a header-signed request.
func TestVerifySDKPresignedWithoutExpires(t *testing.T) {
	creds := testCreds()
	creds.SessionToken = "session/token+with=specials"
	r, _ := http.NewRequest("GET", "https://lambda.example.com/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f?Qualifier=%24LATEST", nil)
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, hashHex(nil), "lambda", testRegion, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(signed, "X-Amz-Security-Token=") {
		t.Fatalf("no session token in %s", signed)
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		code string
	}{
		{"within the window", testNow.Add(14 * time.Minute), ""},
		{"outside the window", testNow.Add(16 * time.Minute), CodeInvalidSignature},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", signed, nil)
			p, err := verifierAt(tt.at).Verify(req, nil, "lambda")
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if !p.Presigned {
					t.Errorf("principal %+v not marked presigned", p)
				}
				return
			}
			wantCode(t, err, tt.code, "")
			if !strings.Contains(err.Error(), "Signature expired") {
				t.Errorf("error = %v, want the Signature expired form", err)
			}
		})
	}
}
