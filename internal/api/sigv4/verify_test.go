package sigv4

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// TestVerifySDKSignedRequests sends requests signed by aws-sdk-go-v2's signer
// through a real HTTP server.
func TestVerifySDKSignedRequests(t *testing.T) {
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	tests := []struct {
		name    string
		method  string
		target  string // path and query as written in the URL
		body    []byte
		header  http.Header
		service string
		sign    func(t *testing.T, r *http.Request, body []byte)
	}{
		{name: "list without body", method: "GET", target: "/2015-03-31/functions/?MaxItems=10"},
		{
			name: "invoke ARN with raw colons", method: "POST",
			target: "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod/invocations",
			body:   []byte(`{"key":"value"}`),
			header: http.Header{"Content-Type": {"application/json"}, "X-Amz-Invocation-Type": {"RequestResponse"}},
		},
		{
			name: "invoke ARN percent-encoded", method: "POST",
			target: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/invocations?Qualifier=%24LATEST",
			body:   []byte(`{}`),
		},
		{
			name: "query with special characters", method: "GET",
			target: "/2015-03-31/functions/?Marker=a%2Fb%2Bc%3D%26d&FunctionVersion=ALL&x=a%20b&y=%E2%9C%93&empty=&flag&tilde=~-._&semi=a%3Bb",
		},
		{name: "path with space, unicode and sub-delims", method: "GET", target: "/2015-03-31/functions/a%20b/%C3%BC/$x/@y/+z/invocations"},
		{name: "dot segments kept as sent", method: "GET", target: "/a/./b/../c"},
		{name: "binary body", method: "PUT", target: "/2015-03-31/functions/fn/code", body: binary},
		{name: "delete with qualifier", method: "DELETE", target: "/2015-03-31/functions/fn?Qualifier=7"},
		{
			name: "repeated and padded headers", method: "POST", target: "/", body: []byte("x"),
			header: http.Header{"X-Custom": {"b", "a"}, "X-Padded": {"  a   b  c "}},
		},
		{
			name: "logs JSON protocol", method: "POST", target: "/", service: "logs",
			body:   []byte(`{"logGroupName":"/aws/lambda/fn"}`),
			header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"Logs_20140328.CreateLogGroup"}},
		},
		{
			name: "session token", method: "GET", target: "/2015-03-31/functions/fn",
			sign: func(t *testing.T, r *http.Request, body []byte) {
				creds := testCreds()
				creds.SessionToken = "FQoGZXIvYXdzEXAMPLE//token+with/slashes="
				signSDK(t, r, hashHex(body), creds, "lambda", testNow)
			},
		},
		{
			name: "declared UNSIGNED-PAYLOAD", method: "POST", target: "/upload", body: []byte("not hashed"),
			header: http.Header{"X-Amz-Content-Sha256": {unsignedPayload}},
			sign: func(t *testing.T, r *http.Request, _ []byte) {
				signSDK(t, r, unsignedPayload, testCreds(), "lambda", testNow)
			},
		},
		{
			name: "declared payload hash", method: "POST", target: "/upload", body: []byte("hashed"),
			header: http.Header{"X-Amz-Content-Sha256": {hashHex([]byte("hashed"))}},
		},
		{
			name: "S3-style signer without path escaping", method: "GET", target: "/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f",
			sign: func(t *testing.T, r *http.Request, body []byte) {
				sdkSign(t, r, body, "lambda", testNow, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			service := tt.service
			if service == "" {
				service = "lambda"
			}
			srv, results := verifyingServer(t, verifierAt(testNow.Add(time.Minute)), service)
			var body *bytes.Reader
			r, err := http.NewRequest(tt.method, srv.URL+tt.target, nil)
			if tt.body != nil {
				body = bytes.NewReader(tt.body)
				r, err = http.NewRequest(tt.method, srv.URL+tt.target, body)
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, vs := range tt.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if tt.sign != nil {
				tt.sign(t, r, tt.body)
			} else {
				sdkSign(t, r, tt.body, service, testNow)
			}
			got, resp := send(t, srv, results, r)
			if got.err != nil {
				t.Fatalf("Verify: %v", got.err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d", resp.StatusCode)
			}
			want := Principal{AccessKeyID: testKeyID, Region: testRegion, Service: service}
			if got.principal != want {
				t.Errorf("principal = %+v, want %+v", got.principal, want)
			}
			if !bytes.Equal(got.body, tt.body) {
				t.Errorf("handler read a different body")
			}
		})
	}
}

// TestVerifyLambdaClient drives the real Lambda client, so path binding,
// query serialisation and the signer's options are the SDK's own.
func TestVerifyLambdaClient(t *testing.T) {
	srv, results := verifyingServer(t, &Verifier{Lookup: testLookup}, "lambda")
	client := func(id, secret string) *lambda.Client {
		return lambda.New(lambda.Options{
			Region:       "eu-west-1",
			BaseEndpoint: aws.String(srv.URL),
			HTTPClient:   srv.Client(),
			Retryer:      aws.NopRetryer{},
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}, nil
			}),
		})
	}
	ctx := context.Background()
	good := client(testKeyID, testSecret)
	arn := "arn:aws:lambda:eu-west-1:123456789012:function:my-function"
	calls := map[string]func() error{
		"Invoke": func() error {
			_, err := good.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(arn), Qualifier: aws.String("$LATEST"), Payload: []byte(`{"a":1}`)})
			return err
		},
		"GetFunction": func() error {
			_, err := good.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(arn + ":prod")})
			return err
		},
		"ListFunctions": func() error {
			_, err := good.ListFunctions(ctx, &lambda.ListFunctionsInput{Marker: aws.String("a/b c+d=e&f~"), MaxItems: aws.Int32(5)})
			return err
		},
		"DeleteFunction": func() error {
			_, err := good.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("fn"), Qualifier: aws.String("7")})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := next(t, results)
			if got.err != nil {
				t.Fatalf("Verify: %v", got.err)
			}
			if got.principal.Region != "eu-west-1" || got.principal.AccessKeyID != testKeyID {
				t.Errorf("principal = %+v", got.principal)
			}
		})
	}

	for _, tt := range []struct{ name, id, secret, code string }{
		{"wrong secret", testKeyID, "not-the-secret", CodeInvalidSignature},
		{"unknown key", "AKIDUNKNOWN", testSecret, CodeUnrecognizedClient},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client(tt.id, tt.secret).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("fn")})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.code {
				t.Fatalf("error = %v, want API error %s", err, tt.code)
			}
			wantCode(t, next(t, results).err, tt.code, "")
		})
	}
}

// TestVerifyRejectsTampering changes one thing at a time in a signed request.
func TestVerifyRejectsTampering(t *testing.T) {
	const target = "https://lambda.example.com/2015-03-31/functions/fn/invocations?Qualifier=prod&x=1"
	body := []byte(`{"amount":1}`)
	sign := func(t *testing.T) *http.Request {
		r, _ := http.NewRequest("POST", target, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		sdkSign(t, r, body, "lambda", testNow)
		return r
	}
	setQuery := func(q string) func(r *http.Request) []byte {
		return func(r *http.Request) []byte { r.URL.RawQuery = q; return body }
	}
	tests := []struct {
		name   string
		tamper func(r *http.Request) []byte // returns the body to verify
		ok     bool
	}{
		{name: "untouched", tamper: func(*http.Request) []byte { return body }, ok: true},
		{name: "unsigned header added", tamper: func(r *http.Request) []byte { r.Header.Set("X-Forwarded-For", "10.0.0.1"); return body }, ok: true},
		{name: "query reordered", tamper: setQuery("x=1&Qualifier=prod"), ok: true},
		{name: "body", tamper: func(*http.Request) []byte { return []byte(`{"amount":1000}`) }},
		{name: "body emptied", tamper: func(*http.Request) []byte { return nil }},
		{name: "signed header value", tamper: func(r *http.Request) []byte { r.Header.Set("Content-Type", "text/plain"); return body }},
		{name: "signed header removed", tamper: func(r *http.Request) []byte { r.Header.Del("Content-Type"); return body }},
		{name: "signed header repeated", tamper: func(r *http.Request) []byte { r.Header.Add("Content-Type", "text/plain"); return body }},
		{name: "date moved a second", tamper: func(r *http.Request) []byte { r.Header.Set("X-Amz-Date", "20240101T000001Z"); return body }},
		{name: "query value", tamper: setQuery("Qualifier=dev&x=1")},
		{name: "query parameter added", tamper: setQuery("Qualifier=prod&x=1&y=2")},
		{name: "query parameter removed", tamper: setQuery("Qualifier=prod")},
		{name: "query value repeated", tamper: setQuery("Qualifier=prod&Qualifier=prod&x=1")},
		{name: "path", tamper: func(r *http.Request) []byte { r.URL.Path = "/2015-03-31/functions/other/invocations"; return body }},
		{name: "path with encoded slash", tamper: func(r *http.Request) []byte {
			r.URL.Path, r.URL.RawPath = "/2015-03-31/functions/fn/invocations", "/2015-03-31%2Ffunctions/fn/invocations"
			return body
		}},
		{name: "method", tamper: func(r *http.Request) []byte { r.Method = "PUT"; return body }},
		{name: "host", tamper: func(r *http.Request) []byte { r.Host = "evil.example.com"; return body }},
		{name: "signature digit", tamper: func(r *http.Request) []byte {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			flip := byte('0')
			if last == '0' {
				flip = '1'
			}
			r.Header.Set("Authorization", a[:len(a)-1]+string(flip))
			return body
		}},
		{name: "signed headers shortened", tamper: func(r *http.Request) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "content-type;", "", 1))
			return body
		}},
		{name: "region", tamper: func(r *http.Request) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/us-east-1/", "/eu-west-1/", 1))
			return body
		}},
	}
	v := verifierAt(testNow)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sign(t)
			_, err := v.Verify(r, tt.tamper(r), "lambda")
			if tt.ok {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantCode(t, err, CodeInvalidSignature, msgSignatureMismatch)
		})
	}
}

// TestVerifyDateHeader uses botocore's RFC 2822 Date form instead of
// X-Amz-Date; the canonical request is built here by hand from the spec.
func TestVerifyDateHeader(t *testing.T) {
	for _, date := range []string{"Mon, 01 Jan 2024 00:00:00 GMT", "Mon, 01 Jan 2024 00:00:00 -0000"} {
		t.Run(date, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "http://localhost:9000/2015-03-31/functions/", nil)
			r.Header.Set("Date", date)
			cr := "GET\n/2015-03-31/functions/\n\ndate:" + date + "\nhost:localhost:9000\n\ndate;host\n" + hashHex(nil)
			scope := "20240101/us-east-1/lambda/aws4_request"
			sts := "AWS4-HMAC-SHA256\n20240101T000000Z\n" + scope + "\n" + hashHex([]byte(cr))
			key := signingKey(testSecret, credential{date: "20240101", region: "us-east-1", service: "lambda", terminator: "aws4_request"})
			sig := hex.EncodeToString(hmacSHA256(key, sts))
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testKeyID+"/"+scope+", SignedHeaders=date;host, Signature="+sig)
			if _, err := verifierAt(testNow).Verify(r, nil, "lambda"); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

// Verify must leave the body to the caller and the request as it found it.
func TestVerifyDoesNotTouchRequest(t *testing.T) {
	body := []byte("payload")
	r, _ := http.NewRequest("POST", "https://lambda.example.com/x", bytes.NewReader(body))
	r.Header.Set("X-Padded", "a   b")
	sdkSign(t, r, body, "lambda", testNow)
	r.Body = failingBody{t}
	if _, err := verifierAt(testNow).Verify(r, body, "lambda"); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got := r.Header.Get("X-Padded"); got != "a   b" {
		t.Errorf("header rewritten to %q", got)
	}
}

type failingBody struct{ t *testing.T }

func (b failingBody) Read([]byte) (int, error) {
	b.t.Error("Verify read r.Body")
	return 0, errors.New("must not be read")
}
func (failingBody) Close() error { return nil }

// The path and query come from the request line, whatever routing did to
// r.URL afterwards.
func TestVerifyAfterStripPrefixAndAbsoluteForm(t *testing.T) {
	signed := newSigned(t, "GET", "http://gust.local/api/2015-03-31/functions/a%2Fb?x=1", nil, "lambda")

	t.Run("StripPrefix", func(t *testing.T) {
		var err error
		h := http.StripPrefix("/api", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, err = verifierAt(testNow).Verify(r, nil, "lambda")
		}))
		r := httptest.NewRequest("GET", "/api/2015-03-31/functions/a%2Fb?x=1", nil)
		r.Host = "gust.local"
		r.Header = signed.Header.Clone()
		h.ServeHTTP(httptest.NewRecorder(), r)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
	t.Run("absolute form", func(t *testing.T) {
		r := httptest.NewRequest("GET", "http://gust.local/api/2015-03-31/functions/a%2Fb?x=1", nil)
		r.Header = signed.Header.Clone()
		if _, err := verifierAt(testNow).Verify(r, nil, "lambda"); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
}

// Two requests that mean different things must never share a canonical
// form, whichever client convention each one matched.
func TestCanonicalFormsDoNotCollide(t *testing.T) {
	pairs := [][2]string{
		{"/a%41", "/a%2541"},                     // double vs single encoding
		{"/a:b", "/a%3Ab"},                       // raw form vs double encoding
		{"/fn%2Fx", "/fn/x"},                     // encoded slash
		{"/arn%3Aaws", "/arn%253Aaws"},           // an ARN and its encoding
		{"/a%20b", "/a+b"},                       // space vs plus
		{"/%E1%88%B4", "/%25E1%2588%25B4"},       // UTF-8 vs its encoding
		{"/example space/", "/example%20space/"}, // raw space (suite style) vs encoded
	}
	for _, p := range pairs {
		for _, a := range canonicalURIs(p[0]) {
			for _, b := range canonicalURIs(p[1]) {
				if a == b {
					t.Errorf("paths %q and %q share canonical URI %q", p[0], p[1], a)
				}
			}
		}
	}
	queries := [][2]string{
		{"a=%zz", "a=%25zz"},
		{"a=b+c", "a=b%2Bc"},
		{"a=b%26c=d", "a=b&c=d"},
		{"a=1&a=2", "a=1"},
		{"a=%3Db", "a%3D=b"}, // value "=b" vs name "a="
	}
	for _, q := range queries {
		for _, a := range canonicalQueries(q[0], splitQuery(q[0]), false) {
			for _, b := range canonicalQueries(q[1], splitQuery(q[1]), false) {
				if a == b {
					t.Errorf("queries %q and %q share canonical query %q", q[0], q[1], a)
				}
			}
		}
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "/",
		"/":                     "/",
		"//":                    "/",
		"/./":                   "/",
		"/example/..":           "/",
		"/a/b/../c":             "/a/c",
		"//example//":           "/example/",
		"/../..":                "/",
		"/a/./b/":               "/a/b/",
		"/2015-03-31/functions": "/2015-03-31/functions",
	} {
		if got := normalizePath(in); got != want {
			t.Errorf("normalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}
