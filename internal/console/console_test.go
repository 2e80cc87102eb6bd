package console

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gust/internal/api/sigv4"
	"gust/internal/origin"
)

const (
	keyID  = "AKGUCONSOLETEST00000"
	secret = "consoletestsecretconsoletestsecretconsol"
	// A second key pair the API knows (an IAM user's, say).
	keyID2  = "AKGUCONSOLESECOND000"
	secret2 = "secondsecretsecondsecretsecondsecretseco"
)

// keys is the lookup both the console and signedAPI use.
func keys(id string) (string, bool) {
	switch id {
	case keyID:
		return secret, true
	case keyID2:
		return secret2, true
	}
	return "", false
}

// signedAPI stands in for the public API: it answers 200 with the key,
// service and path it saw when the request verifies, 403 otherwise.
func signedAPI(t *testing.T) http.Handler {
	v := &sigv4.Verifier{Lookup: keys}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		service := "lambda"
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "Logs_") {
			service = "logs"
		}
		p, err := v.Verify(r, body, service)
		if err != nil {
			t.Logf("verify: %v", err)
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if r.Header.Get("Cookie") != "" {
			http.Error(w, "the session cookie leaked into the API request", http.StatusTeapot)
			return
		}
		if p.AccessKeyID != keyID {
			service = p.AccessKeyID + " " + service
		}
		_, _ = io.WriteString(w, service+" "+r.Method+" "+r.URL.RequestURI()+" "+string(body))
	})
}

// newServer serves a console whose origin is the test server's own URL.
func newServer(t *testing.T, change ...func(*Options)) *httptest.Server {
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	o, err := origin.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{API: signedAPI(t), Lookup: keys, Region: "us-east-1", Origin: o}
	for _, f := range change {
		f(&opts)
	}
	srv.Config.Handler = New(opts)
	return srv
}

func do(t *testing.T, method, url, cookie, body string, headers ...string) (int, string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if cookie != "" {
		req.Header.Set("Cookie", cookieName+"="+cookie)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func signIn(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	return signInAs(t, srv, keyID, secret)
}

func signInAs(t *testing.T, srv *httptest.Server, id, secret string) string {
	t.Helper()
	status, body, resp := do(t, "POST", srv.URL+"/console/api/session", "", `{"accessKeyId":"`+id+`","secretAccessKey":"`+secret+`"}`)
	if status != 200 {
		t.Fatalf("sign-in: %d %s", status, body)
	}
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/console/" || len(c.Value) != 64 {
				t.Fatalf("session cookie %+v", c)
			}
			return c.Value
		}
	}
	t.Fatalf("no session cookie")
	return ""
}

func TestSignIn(t *testing.T) {
	srv := newServer(t)
	for _, body := range []string{
		`{"accessKeyId":"` + keyID + `","secretAccessKey":"wrong"}`,
		`{"accessKeyId":"AKOTHER","secretAccessKey":"` + secret + `"}`,
		`{}`,
	} {
		if status, _, resp := do(t, "POST", srv.URL+"/console/api/session", "", body); status != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
			t.Errorf("sign-in with %s: %d, cookies %v", body, status, resp.Cookies())
		}
	}
	if status, _, _ := do(t, "POST", srv.URL+"/console/api/session", "", "not json"); status != http.StatusBadRequest {
		t.Errorf("sign-in with a bad body: %d", status)
	}
	id := signIn(t, srv)
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/session", id, ""); status != 200 {
		t.Fatalf("session after sign-in: %d", status)
	}
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/session", "forged", ""); status != http.StatusUnauthorized {
		t.Fatalf("forged session: %d", status)
	}
	do(t, "DELETE", srv.URL+"/console/api/session", id, "")
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/session", id, ""); status != http.StatusUnauthorized {
		t.Fatalf("session after sign-out: %d", status)
	}
}

func TestFacadeSignsForTheAPI(t *testing.T) {
	srv := newServer(t)
	id := signIn(t, srv)
	status, body, _ := do(t, "GET", srv.URL+"/console/api/aws/2015-03-31/functions/?MaxItems=5", id, "", csrfHeader, "1")
	if status != 200 || body != "lambda GET /2015-03-31/functions/?MaxItems=5 " {
		t.Fatalf("lambda call: %d %q", status, body)
	}
	status, body, _ = do(t, "POST", srv.URL+"/console/api/aws/", id, `{"logGroupName":"/aws/lambda/x"}`,
		csrfHeader, "1", "X-Amz-Target", "Logs_20140328.FilterLogEvents", "Content-Type", "application/x-amz-json-1.1")
	if status != 200 || body != `logs POST / {"logGroupName":"/aws/lambda/x"}` {
		t.Fatalf("logs call: %d %q", status, body)
	}
	status, body, _ = do(t, "POST", srv.URL+"/console/api/aws/2015-03-31/functions/a%20b/invocations", id, `{"k":"v w"}`, csrfHeader, "1", "X-Amz-Log-Type", "Tail")
	if status != 200 || body != `lambda POST /2015-03-31/functions/a%20b/invocations {"k":"v w"}` {
		t.Fatalf("invoke call: %d %q", status, body)
	}
}

func TestFacadeRefuses(t *testing.T) {
	srv := newServer(t)
	id := signIn(t, srv)
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/aws/2015-03-31/functions/", id, ""); status != http.StatusForbidden {
		t.Errorf("without %s: %d", csrfHeader, status)
	}
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/aws/2015-03-31/functions/", "", "", csrfHeader, "1"); status != http.StatusUnauthorized {
		t.Errorf("without a session: %d", status)
	}
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/aws/2015-03-31/functions/", "0123", "", csrfHeader, "1"); status != http.StatusUnauthorized {
		t.Errorf("with an unknown session: %d", status)
	}
}

func TestStatic(t *testing.T) {
	srv := newServer(t)
	status, body, resp := do(t, "GET", srv.URL+"/console/", "", "")
	if status != 200 || !strings.Contains(body, `<div id="app">`) && !strings.Contains(body, `id="app"`) {
		t.Fatalf("GET /console/: %d %s", status, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if status, _, _ := do(t, "GET", srv.URL+"/console/assets/console.js", "", ""); status != 200 {
		t.Errorf("GET console.js: %d", status)
	}
	if status, _, _ := do(t, "POST", srv.URL+"/console/", "", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("POST /console/: %d", status)
	}
}

// TestDistUpToDate builds the front-end from web/ and compares it with the
// committed dist/ that go:embed puts in the binary: a change to the sources
// must come with its build (cd internal/console/web && npm run build).
func TestDistUpToDate(t *testing.T) {
	vite := filepath.Join("web", "node_modules", ".bin", "vite")
	if _, err := os.Stat(vite); err != nil {
		// A fresh clone: install the front-end's pinned packages as
		// ./test.sh does, rather than fail before anything was compared.
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatalf("the front-end's packages are not installed and there is no npm to install them (apt-get install npm, or run ./test.sh)")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = "web"
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in internal/console/web: %v\n%s", err, b)
		}
	}
	out := t.TempDir()
	cmd := exec.Command(filepath.Join("node_modules", ".bin", "vite"), "build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn")
	cmd.Dir = "web"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vite build: %v\n%s", err, b)
	}
	want := map[string][]byte{}
	_ = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			want[rel], _ = os.ReadFile(p)
		}
		return nil
	})
	got := map[string][]byte{}
	_ = filepath.WalkDir("dist", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel("dist", p)
			got[rel], _ = os.ReadFile(p)
		}
		return nil
	})
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("dist/%s is out of date with web/: run `npm run build` in internal/console/web and commit dist/", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("dist/%s is no longer built: delete it", name)
		}
	}
}
