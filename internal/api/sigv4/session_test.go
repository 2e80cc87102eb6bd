package sigv4

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Temporary credentials: the token goes to Sessions, whose answer decides.
func TestSessionTokens(t *testing.T) {
	const id, secret, token = "ASIATEMPORARY", "temporary-secret", "the-token"
	sessions := func(gotID, gotToken string) (string, error) {
		switch {
		case gotID != id:
			return "", ErrTokenInvalid
		case gotToken == "expired":
			return "", ErrTokenExpired
		case gotToken == "broken":
			return "", errors.New("store unavailable")
		case gotToken != token:
			return "", ErrTokenInvalid
		}
		return secret, nil
	}
	v := &Verifier{Lookup: testLookup, Sessions: sessions, Now: func() time.Time { return testNow }}
	sign := func(tok string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "http://localhost/2015-03-31/functions", nil)
		creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: tok}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hashHex(nil), "lambda", testRegion, testNow); err != nil {
			t.Fatal(err)
		}
		return r
	}
	p, err := v.Verify(sign(token), nil, "lambda")
	if err != nil || p.SessionToken != token || p.AccessKeyID != id {
		t.Fatalf("genuine session: %+v %v", p, err)
	}
	for tok, code := range map[string]string{"forged": CodeUnrecognizedClient, "expired": CodeExpiredToken} {
		_, err := v.Verify(sign(tok), nil, "lambda")
		var e *Error
		if !errors.As(err, &e) || e.Code != code || e.StatusCode != http.StatusForbidden {
			t.Errorf("%s token: %v, want %s", tok, err, code)
		}
	}
	if _, err := v.Verify(sign("broken"), nil, "lambda"); err == nil {
		t.Error("a lookup failure accepted")
	} else if e := (*Error)(nil); errors.As(err, &e) {
		t.Errorf("a lookup failure reported as a refusal: %v", err)
	}
	// A session key without its token is unknown to Lookup.
	if _, err := v.Verify(sign(""), nil, "lambda"); err == nil {
		t.Error("session key accepted without its token")
	}
}

// The credential scope must name the server's region; IAM and STS, global
// services, may also be scoped to us-east-1.
func TestScopeRegion(t *testing.T) {
	v := &Verifier{Lookup: testLookup, Region: "eu-west-1", Now: func() time.Time { return testNow }}
	sign := func(service, region string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, "http://localhost/", nil)
		if err := v4.NewSigner().SignHTTP(context.Background(), testCreds(), r, hashHex(nil), service, region, testNow); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		service, region string
		ok              bool
	}{
		{"lambda", "eu-west-1", true}, {"lambda", "us-east-1", false}, {"sqs", "us-west-2", false},
		{"iam", "us-east-1", true}, {"sts", "us-east-1", true}, {"iam", "eu-west-1", true}, {"iam", "ap-south-1", false},
	} {
		_, err := v.Verify(sign(c.service, c.region), nil, c.service)
		var e *Error
		if c.ok != (err == nil) || (!c.ok && (!errors.As(err, &e) || e.Code != CodeInvalidSignature || e.Message != "Credential should be scoped to a valid region. ")) {
			t.Errorf("%s in %s: %v", c.service, c.region, err)
		}
	}
}
