package sigv4

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestVerifyErrors covers every rejection with AWS's code and, where AWS's
// text is fixed, its exact message.
func TestVerifyErrors(t *testing.T) {
	const target = "https://lambda.example.com/2015-03-31/functions/fn/invocations"
	body := []byte(`{"a":1}`)
	signedAt := func(at time.Time, service string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			r, _ := http.NewRequest("POST", target, bytes.NewReader(body))
			sdkSign(t, r, body, service, at)
			return r
		}
	}
	withAuth := func(auth string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			r := signedAt(testNow, "lambda")(t)
			r.Header.Set("Authorization", auth)
			return r
		}
	}
	// scoped re-signs by hand-editing the Credential, which is what a client
	// configured for the wrong region or service effectively sends.
	scoped := func(old, new string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			r := signedAt(testNow, "lambda")(t)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
			return r
		}
	}
	presigned := func(query string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			r, _ := http.NewRequest("GET", target+"?"+query, nil)
			return r
		}
	}
	validPresign := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240101%2Fus-east-1%2Flambda%2Faws4_request" +
		"&X-Amz-Date=20240101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
	const auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"

	tests := []struct {
		name    string
		request func(t *testing.T) *http.Request
		v       *Verifier
		service string
		code    string // "" means accepted
		msg     string
		substr  string
	}{
		{
			name: "no authentication at all", code: CodeMissingAuthenticationToken, msg: "Missing Authentication Token",
			request: func(t *testing.T) *http.Request { r, _ := http.NewRequest("GET", target, nil); return r },
		},
		{
			name: "bearer token", request: withAuth("Bearer eyJhbGciOi"), code: CodeIncompleteSignature,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
				"Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer eyJhbGciOi",
		},
		{
			name: "missing Signature", code: CodeIncompleteSignature,
			request: withAuth("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host"),
			substr:  "Authorization header requires 'Signature' parameter.",
		},
		{
			name: "missing SignedHeaders", code: CodeIncompleteSignature,
			request: withAuth("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda/aws4_request, Signature=abc"),
			substr:  "Authorization header requires 'SignedHeaders' parameter.",
		},
		{
			name: "missing Credential", code: CodeIncompleteSignature,
			request: withAuth("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc"),
			substr:  "Authorization header requires 'Credential' parameter.",
		},
		{
			name: "space inside the credential", code: CodeIncompleteSignature,
			request: withAuth("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc"),
			msg: "'/20240101/us-east-1/lambda/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=abc'.",
		},
		{
			name: "credential with too few parts", code: CodeIncompleteSignature, substr: "Credential is malformed",
			request: withAuth("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda, SignedHeaders=host;x-amz-date, Signature=abc"),
		},
		{
			name: "no date header", code: CodeIncompleteSignature,
			substr: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
			request: func(t *testing.T) *http.Request {
				r := withAuth(auth)(t)
				r.Header.Del("X-Amz-Date")
				return r
			},
		},
		{
			name: "malformed X-Amz-Date", code: CodeIncompleteSignature, substr: "Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:00:00Z'.",
			request: func(t *testing.T) *http.Request {
				r := withAuth(auth)(t)
				r.Header.Set("X-Amz-Date", "2024-01-01T00:00:00Z")
				return r
			},
		},
		{
			name: "host not signed", code: CodeIncompleteSignature, msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
			request: withAuth("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda/aws4_request, SignedHeaders=x-amz-date, Signature=abc"),
		},
		{
			name: "SigV4a", code: CodeIncompleteSignature, msg: "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.",
			request: withAuth("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20240101/lambda/aws4_request, SignedHeaders=host, Signature=abc"),
		},
		{
			name: "streaming payload", code: CodeIncompleteSignature, substr: "aws-chunked",
			request: func(t *testing.T) *http.Request {
				r, _ := http.NewRequest("PUT", target, bytes.NewReader(body))
				r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
				signSDK(t, r, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", testCreds(), "lambda", testNow)
				return r
			},
		},
		{
			name: "header and query authentication together", code: CodeIncompleteSignature, substr: "Only one auth mechanism allowed",
			request: func(t *testing.T) *http.Request {
				r, _ := http.NewRequest("GET", target+"?"+validPresign, nil)
				r.Header.Set("Authorization", auth)
				return r
			},
		},
		{
			name: "unknown access key", code: CodeUnrecognizedClient, msg: "The security token included in the request is invalid.",
			request: scoped("Credential=AKIDEXAMPLE/", "Credential=AKIDOTHER/"),
		},
		{
			name: "no Lookup configured", code: CodeUnrecognizedClient, v: &Verifier{Now: func() time.Time { return testNow }},
			request: signedAt(testNow, "lambda"),
		},
		{
			name: "empty secret counts as unknown", code: CodeUnrecognizedClient,
			v:       &Verifier{Lookup: func(string) (string, bool) { return "", true }, Now: func() time.Time { return testNow }},
			request: signedAt(testNow, "lambda"),
		},
		{
			name: "wrong secret", code: CodeInvalidSignature,
			msg: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key " +
				"and signing method. Consult the service documentation for details.",
			v:       &Verifier{Lookup: func(string) (string, bool) { return "other-secret", true }, Now: func() time.Time { return testNow }},
			request: signedAt(testNow, "lambda"),
		},
		{
			name: "signed for another service", code: CodeInvalidSignature, msg: "Credential should be scoped to correct service: 'lambda'. ",
			request: signedAt(testNow, "logs"),
		},
		{
			name: "invalid region", code: CodeInvalidSignature, msg: "Credential should be scoped to a valid region, not 'US_EAST'. ",
			request: scoped("/us-east-1/", "/US_EAST/"),
		},
		{
			name: "invalid terminator", code: CodeInvalidSignature,
			msg:     "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reques'. ",
			request: scoped("/aws4_request", "/aws4_reques"),
		},
		{
			name: "scope date differs from request date", code: CodeInvalidSignature,
			msg:     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20231231' != '20240101', from '20240101T000000Z'.",
			request: scoped("/20240101/", "/20231231/"),
		},
		{
			name: "signature expired", code: CodeInvalidSignature, v: verifierAt(testNow.Add(20 * time.Minute)),
			msg:     "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T002000Z - 15 min.)",
			request: signedAt(testNow, "lambda"),
		},
		{
			name: "signature expired with a 5 minute window", code: CodeInvalidSignature,
			v:       &Verifier{Lookup: testLookup, Now: func() time.Time { return testNow.Add(10 * time.Minute) }, MaxSkew: 5 * time.Minute},
			msg:     "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)",
			request: signedAt(testNow, "lambda"),
		},
		{
			name: "signature not yet current", code: CodeInvalidSignature, v: verifierAt(testNow.Add(10 * time.Minute)),
			msg:     "Signature not yet current: 20240101T003000Z is still later than 20240101T002500Z (20240101T001000Z + 15 min.)",
			request: signedAt(testNow.Add(30*time.Minute), "lambda"),
		},
		{name: "oldest accepted time", v: verifierAt(testNow.Add(15 * time.Minute)), request: signedAt(testNow, "lambda")},
		{
			name: "one second too old", code: CodeInvalidSignature, substr: "Signature expired",
			v: verifierAt(testNow.Add(15*time.Minute + time.Second)), request: signedAt(testNow, "lambda"),
		},
		{name: "newest accepted time", v: verifierAt(testNow.Add(-15 * time.Minute)), request: signedAt(testNow, "lambda")},
		{
			name: "one second too new", code: CodeInvalidSignature, substr: "Signature not yet current",
			v: verifierAt(testNow.Add(-15*time.Minute - time.Second)), request: signedAt(testNow, "lambda"),
		},
		{
			name: "presigned without signature", code: CodeIncompleteSignature,
			msg: "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', " +
				"'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
			request: presigned(strings.Replace(validPresign, "&X-Amz-Signature=00", "", 1)),
		},
		{
			name: "presigned with another algorithm", code: CodeIncompleteSignature, substr: "X-Amz-Algorithm only supports",
			request: presigned(strings.Replace(validPresign, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", 1)),
		},
		{
			name: "presigned twice", code: CodeIncompleteSignature, msg: "Query-string parameter 'X-Amz-Signature' must appear only once.",
			request: presigned(validPresign + "&X-Amz-Signature=01"),
		},
		{
			name: "presigned for more than a week", code: CodeIncompleteSignature,
			msg:     "X-Amz-Expires must be less than a week (in seconds) that is 604800",
			request: presigned(validPresign + "&X-Amz-Expires=604801"),
		},
		{
			name: "presigned with a negative expiry", code: CodeIncompleteSignature, msg: "X-Amz-Expires must be non-negative",
			request: presigned(validPresign + "&X-Amz-Expires=-1"),
		},
		{
			name: "presigned with a non-numeric expiry", code: CodeIncompleteSignature, msg: "X-Amz-Expires should be a number",
			request: presigned(validPresign + "&X-Amz-Expires=soon"),
		},
		{
			name: "presigned with a bad signature", code: CodeInvalidSignature, msg: msgSignatureMismatch,
			request: presigned(validPresign + "&X-Amz-Expires=60"),
		},
		{
			name: "presigned and expired", code: CodeAccessDenied, msg: "Request has expired", v: verifierAt(testNow.Add(61 * time.Second)),
			request: presigned(validPresign + "&X-Amz-Expires=60"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.v
			if v == nil {
				v = verifierAt(testNow)
			}
			service := tt.service
			if service == "" {
				service = "lambda"
			}
			r := tt.request(t)
			_, err := v.Verify(r, body, service)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			wantCode(t, err, tt.code, tt.msg)
			if tt.substr != "" && !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("message %q does not contain %q", err.Error(), tt.substr)
			}
		})
	}
}
