package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"gust/internal/api/lambda"
	"gust/internal/api/sigv4"
	"gust/internal/control"
	"gust/internal/furl"
	"gust/internal/invoke"
	"gust/internal/store"
	"gust/internal/store/storetest"
)

const (
	testAccount = "123456789012"
	testRegion  = "us-east-1"
	testKeyID   = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
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
		Provisioned: table("provisioned"), Settings: table("settings"), Policies: table("policies"), Code: st, Region: testRegion, AccountID: testAccount,
	})
	base, _ := url.Parse("http://localhost:9000")
	api := lambda.New(lambda.Options{
		Control: ctl, Invoker: noInvoker{},
		Verifier:    &sigv4.Verifier{Lookup: func(id string) (string, bool) { return testSecret, id == testKeyID }},
		AccessKeyID: testKeyID, SecretAccessKey: testSecret,
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
	sum := sha256.Sum256(body)
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret},
		req, hex.EncodeToString(sum[:]), "lambda", testRegion, time.Now())
	if err != nil {
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

// exchange is one request and the response AWS gives it, as written in a
// golden file.
type exchange struct {
	Name    string `json:"name"`
	Request struct {
		Method string          `json:"method"`
		Path   string          `json:"path"`
		Body   json.RawMessage `json:"body,omitempty"`
	} `json:"request"`
	Response struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers,omitempty"`
		Body    json.RawMessage   `json:"body,omitempty"`
	} `json:"response"`
}

// TestGolden replays every testdata/golden/*.json file against a fresh API
// and compares each response whole with the recorded one: status, the
// listed headers, and every key, type and value of the body. The goldens are
// written from AWS's documented examples and answers; values that change
// from run to run are written as placeholders (see match).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	zipped := testZip(t)
	zipB64 := base64.StdEncoding.EncodeToString(zipped)
	zipSum := sha256.Sum256(zipped)
	expand := strings.NewReplacer(`"<zip-size>"`, strconv.Itoa(len(zipped)), "<zip-sha>", base64.StdEncoding.EncodeToString(zipSum[:]))
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Parallel()
			api := newTestAPI(t) // each file starts from an empty account
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			bound := map[string]string{}
			var xs []exchange
			if err := json.Unmarshal(raw, &xs); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, x := range xs {
				body := []byte(strings.ReplaceAll(string(x.Request.Body), "<zip>", zipB64))
				status, hdr, got := api.do(t, x.Request.Method, x.Request.Path, body)
				if status != x.Response.Status {
					t.Errorf("%s: status %d, want %d; body %s", x.Name, status, x.Response.Status, got)
					continue
				}
				for k, v := range x.Response.Headers {
					if hdr.Get(k) != v {
						t.Errorf("%s: header %s = %q, want %q", x.Name, k, hdr.Get(k), v)
					}
				}
				if string(x.Response.Body) == `"<any>"` { // a setup step: only its status matters
					continue
				}
				if len(x.Response.Body) == 0 {
					if len(bytes.TrimSpace(got)) != 0 {
						t.Errorf("%s: body %s, want none", x.Name, got)
					}
					continue
				}
				var want, have any
				if err := json.Unmarshal([]byte(expand.Replace(string(x.Response.Body))), &want); err != nil {
					t.Fatalf("%s: golden body: %v", x.Name, err)
				}
				if err := json.Unmarshal(got, &have); err != nil {
					t.Errorf("%s: response is not JSON: %s", x.Name, got)
					continue
				}
				for _, d := range match(bound, "", want, have) {
					t.Errorf("%s: %s", x.Name, d)
				}
			}
		})
	}
}

// placeholders stand for values that differ between runs.
var placeholders = map[string]*regexp.Regexp{
	"<uuid>":   regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
	"<date>":   regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$`),
	"<iso>":    regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`),
	"<sha256>": regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`),
	"<url>":    regexp.MustCompile(`^https?://\S+$`),
	"<string>": regexp.MustCompile(`^.*$`),
}

// match compares want (from a golden file) with have (the response) and
// lists every difference: a missing or extra key, a value of another JSON
// type, another value. A want string that is a placeholder matches any
// string of its form.
//
// A placeholder with a label ("<uuid:r1>") also binds: every place with
// that label must hold the same value, and places with another label of
// the same kind another value, so a golden says when a RevisionId changes.
func match(bound map[string]string, path string, want, have any) []string {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want object", path, have)}
		}
		var diffs []string
		keys := make([]string, 0, len(w)+len(h))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range h {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inW := w[k]
			hv, inH := h[k]
			switch {
			case !inH:
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
			case !inW:
				diffs = append(diffs, fmt.Sprintf("%s.%s: unexpected key (value %v)", path, k, hv))
			default:
				diffs = append(diffs, match(bound, path+"."+k, wv, hv)...)
			}
		}
		return diffs
	case []any:
		h, ok := have.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want array", path, have)}
		}
		if len(h) != len(w) {
			return []string{fmt.Sprintf("%s: %d elements, want %d: %v", path, len(h), len(w), h)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, match(bound, fmt.Sprintf("%s[%d]", path, i), w[i], h[i])...)
		}
		return diffs
	case string:
		if w == "<number>" { // an epoch timestamp
			if _, ok := have.(float64); !ok {
				return []string{fmt.Sprintf("%s: %T %v, want a number", path, have, have)}
			}
			return nil
		}
		h, ok := have.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: %T %v, want string %q", path, have, have, w)}
		}
		kind, _, labelled := strings.Cut(strings.Trim(w, "<>"), ":")
		if re, ok := placeholders["<"+kind+">"]; ok && strings.HasPrefix(w, "<") && strings.HasSuffix(w, ">") {
			if !re.MatchString(h) {
				return []string{fmt.Sprintf("%s: %q is not a <%s>", path, h, kind)}
			}
			if !labelled {
				return nil
			}
			if v, ok := bound[w]; ok {
				if v != h {
					return []string{fmt.Sprintf("%s: %q, want the same as %s earlier (%q)", path, h, w, v)}
				}
				return nil
			}
			for other, v := range bound {
				if v == h && strings.HasPrefix(other, "<"+kind+":") {
					return []string{fmt.Sprintf("%s: %q is %s again, want a new value for %s", path, h, other, w)}
				}
			}
			bound[w] = h
			return nil
		}
		if h != w {
			return []string{fmt.Sprintf("%s: %q, want %q", path, h, w)}
		}
		return nil
	default: // numbers, booleans, null
		if fmt.Sprintf("%T %v", want, want) != fmt.Sprintf("%T %v", have, have) {
			return []string{fmt.Sprintf("%s: %T %v, want %T %v", path, have, have, want, want)}
		}
		return nil
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
