package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gust/internal/api/golden"
	"gust/internal/api/lambda"
	"gust/internal/api/sigv4"
	"gust/internal/control"
	"gust/internal/furl"
	"gust/internal/invoke"
	"gust/internal/store"
	"gust/internal/store/storetest"
)

const (
	testAccount = golden.Account
	testRegion  = golden.Region
)

// noInvoker refuses invocations: the golden exchanges exercise the control
// plane, and invocation has its own end-to-end tests.
type noInvoker struct{}

func (noInvoker) Invoke(context.Context, invoke.Request) (invoke.Response, error) {
	return invoke.Response{}, fmt.Errorf("invocation is not part of these tests")
}
func (noInvoker) ProvisionedAllocated(context.Context, control.ProvisionedConfig) int { return 0 }

// testAPI is the Lambda API on a real store, behind a real HTTP server.
type testAPI struct {
	url    string
	client *http.Client
}

func newTestAPI(t *testing.T) *testAPI {
	t.Helper()
	st := storetest.Open(t)
	ctx := storetest.Context(t)
	table := func(name string) *store.Table {
		tb, err := st.Table(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	ctl := control.New(control.Options{
		Functions: table("functions"), Versions: table("versions"), Aliases: table("aliases"), EventConfigs: table("eventconfigs"),
		Provisioned: table("provisioned"), Settings: table("settings"), Policies: table("policies"), CodeSigning: table("codesigning"), Code: st, Region: testRegion, AccountID: testAccount,
	})
	base, _ := url.Parse("http://localhost:9000")
	api := lambda.New(lambda.Options{
		Control: ctl, Invoker: noInvoker{},
		Verifier:    &sigv4.Verifier{Lookup: golden.Lookup},
		AccessKeyID: golden.KeyID, SecretAccessKey: golden.Secret,
		URLs: &furl.Store{Table: table("urls"), Salt: testAccount, Region: testRegion, Base: base},
	})
	mux := http.NewServeMux()
	api.Register(mux)
	mux.HandleFunc("/", lambda.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &testAPI{url: srv.URL, client: srv.Client()}
}

// do sends one signed request and returns the status, headers and body.
func (a *testAPI) do(t *testing.T, method, path string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, a.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := golden.Sign(req, body, "lambda"); err != nil {
		t.Fatal(err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// TestGolden replays every testdata/golden/*.json file against a fresh API
// and compares each response whole with the recorded one: status, the
// listed headers, and every key, type and value of the body. The goldens are
// written from AWS's documented examples and answers; values that change
// from run to run are written as placeholders (see golden.Match).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	zipped := testZip(t)
	zipB64 := base64.StdEncoding.EncodeToString(zipped)
	zipSum := sha256.Sum256(zipped)
	expand := strings.NewReplacer(`"<zip-size>"`, strconv.Itoa(len(zipped)), `"<zip-size-x2>"`, strconv.Itoa(2*len(zipped)), "<zip-sha>", base64.StdEncoding.EncodeToString(zipSum[:]))
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Parallel()
			api := newTestAPI(t) // each file starts from an empty account
			golden.Replay(t, f, func(t *testing.T, r golden.Request) (int, http.Header, []byte) {
				return api.do(t, r.Method, r.Path, []byte(strings.ReplaceAll(string(r.Body), "<zip>", zipB64)))
			}, expand)
		})
	}
}

// testZip is a deployment package with one Python handler.
func testZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, err := zw.Create("index.py")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte("def handler(event, context):\n    return event\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
