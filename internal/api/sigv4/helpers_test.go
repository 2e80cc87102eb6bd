package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testKeyID  = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testRegion = "us-east-1"
)

// testNow is when the SDK-signed test requests claim to be signed.
var testNow = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func testLookup(id string) (string, bool) {
	if id == testKeyID {
		return testSecret, true
	}
	return "", false
}

func verifierAt(now time.Time) *Verifier {
	return &Verifier{Lookup: testLookup, Now: func() time.Time { return now }}
}

func testCreds() aws.Credentials {
	return aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// sdkSign signs r in place with aws-sdk-go-v2's signer, the reference
// implementation every Go client of Gust uses.
func sdkSign(t testing.TB, r *http.Request, body []byte, service string, at time.Time, opts ...func(*v4.SignerOptions)) {
	t.Helper()
	signSDK(t, r, hashHex(body), testCreds(), service, at, opts...)
}

func signSDK(t testing.TB, r *http.Request, payloadHash string, creds aws.Credentials, service string, at time.Time, opts ...func(*v4.SignerOptions)) {
	t.Helper()
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payloadHash, service, testRegion, at, opts...); err != nil {
		t.Fatalf("signing: %v", err)
	}
}

// newSigned builds a client-side request and signs it at testNow for
// service; Verify sees it with an empty RequestURI and reads r.URL.
func newSigned(t testing.TB, method, url string, body []byte, service string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	sdkSign(t, r, body, service, testNow)
	return r
}

// verdict is what the verifying server's handler saw.
type verdict struct {
	principal Principal
	err       error
	body      []byte
}

// verifyingServer runs v behind a real net/http server, so requests reach
// Verify exactly as Gust's API will see them (Host moved to r.Host, the raw
// request line in RequestURI). It answers failures the way an AWS JSON
// service does: X-Amzn-ErrorType plus {"message": ...}, which is also what
// the SDK clients in these tests parse error codes from.
func verifyingServer(t *testing.T, v *Verifier, service string) (*httptest.Server, <-chan verdict) {
	t.Helper()
	results := make(chan verdict, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		p, verr := v.Verify(r, body, service)
		select {
		case results <- verdict{principal: p, err: verr, body: body}:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		var authErr *Error
		if errors.As(verr, &authErr) {
			w.Header().Set("X-Amzn-ErrorType", authErr.Code)
			w.WriteHeader(authErr.StatusCode)
			_ = json.NewEncoder(w).Encode(map[string]string{"message": authErr.Message})
			return
		}
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(srv.Close)
	return srv, results
}

// next returns the handler's verdict for the request just sent.
func next(t *testing.T, results <-chan verdict) verdict {
	t.Helper()
	select {
	case v := <-results:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no request reached the server")
		return verdict{}
	}
}

// send performs r against the server and returns the handler's verdict.
func send(t *testing.T, srv *httptest.Server, results <-chan verdict, r *http.Request) (verdict, *http.Response) {
	t.Helper()
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatalf("sending: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return next(t, results), resp
}

// wantCode checks that err is an *Error with the given code (and message,
// when msg is not empty) and AWS's 403.
func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Errorf("code = %s (%q), want %s", e.Code, e.Message, code)
	}
	if msg != "" && e.Message != msg {
		t.Errorf("message\n got: %q\nwant: %q", e.Message, msg)
	}
	if e.StatusCode != http.StatusForbidden {
		t.Errorf("status = %d, want 403", e.StatusCode)
	}
}
