package awsjson_test

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

	"gust/internal/api/awsjson"
	"gust/internal/api/sigv4"
	"gust/internal/apierror"
)

const (
	keyID  = "AKIDEXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

type echoIn struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type echoOut struct {
	Greeting string `json:"greeting"`
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	svc := awsjson.Service{
		TargetPrefix: "Test_20240101",
		SigningName:  "logs",
		Operations: map[string]awsjson.Handler{
			"Echo": awsjson.Op(func(_ context.Context, in *echoIn) (*echoOut, error) {
				return &echoOut{Greeting: "hello " + in.Name}, nil
			}),
			"Missing": awsjson.Op(func(context.Context, *echoIn) (*echoOut, error) {
				return nil, apierror.NotFound("The specified log group does not exist.")
			}),
			"Broken": awsjson.Op(func(context.Context, *echoIn) (*echoOut, error) {
				return nil, errors.New("disk on fire")
			}),
		},
	}
	fallback := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	rt := awsjson.New(awsjson.Options{
		Verifier: &sigv4.Verifier{Lookup: func(id string) (string, bool) { return secret, id == keyID }},
		Fallback: fallback,
	}, svc)
	mux := http.NewServeMux()
	mux.Handle("POST /{$}", rt)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// call sends a JSON 1.1 request signed for service (unsigned when empty).
func call(t *testing.T, srv *httptest.Server, target, service, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	if service != "" {
		sum := sha256.Sum256([]byte(body))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
			req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: response is not JSON: %s", target, raw)
		}
	}
	return resp.StatusCode, resp.Header, v
}

func TestRouter(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		name, target, service, body string
		status                      int
		errType                     string
	}{
		{"no target goes to the fallback", "", "logs", "{}", http.StatusTeapot, ""},
		{"unknown service", "Nope_1.Echo", "logs", "{}", 400, "UnknownOperationException"},
		{"unknown operation", "Test_20240101.Nope", "logs", "{}", 400, "UnknownOperationException"},
		{"unsigned", "Test_20240101.Echo", "", "{}", 403, "MissingAuthenticationTokenException"},
		{"signed for another service", "Test_20240101.Echo", "lambda", "{}", 403, "InvalidSignatureException"},
		{"malformed body", "Test_20240101.Echo", "logs", `{"count":"x"}`, 400, "SerializationException"},
		{"not found is 400 in JSON 1.1", "Test_20240101.Missing", "logs", "{}", 400, "ResourceNotFoundException"},
		{"internal failure", "Test_20240101.Broken", "logs", "{}", 500, "ServiceException"},
		{"success", "Test_20240101.Echo", "logs", `{"name":"gust"}`, 200, ""},
		{"empty body is an empty input", "Test_20240101.Echo", "logs", ``, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := call(t, srv, tt.target, tt.service, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%v)", status, tt.status, body)
			}
			if tt.status == http.StatusTeapot {
				return
			}
			if ct := h.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Errorf("Content-Type %q", ct)
			}
			if h.Get("X-Amzn-RequestId") == "" {
				t.Error("no request id")
			}
			if tt.errType != "" {
				if body["__type"] != tt.errType || body["message"] == "" {
					t.Errorf("error body %v, want __type %s", body, tt.errType)
				}
				return
			}
			if tt.body != "" && body["greeting"] != "hello gust" {
				t.Errorf("body %v", body)
			}
		})
	}
}
