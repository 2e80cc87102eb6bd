package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"gust/internal/gusttest"
)

// signedRequest sends a raw request signed with the test credentials, for
// bodies no SDK would produce.
func signedRequest(t testing.TB, srv *gusttest.Server, method, path string, body []byte) *http.Response {
	return signedRequestAt(t, srv, method, path, body, time.Now())
}

// signedRequestAt signs as if the clock said at.
func signedRequestAt(t testing.TB, srv *gusttest.Server, method, path string, body []byte, at time.Time) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: gusttest.AccessKeyID, SecretAccessKey: gusttest.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "lambda", gusttest.Region, at); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
