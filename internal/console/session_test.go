package console

import (
	"bytes"
	"crypto/tls"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gust/internal/origin"
)

// TestSecondKeySignsItsOwnCalls: any pair the lookup knows may sign in,
// and the facade then signs with that pair, not the server's.
func TestSecondKeySignsItsOwnCalls(t *testing.T) {
	srv := newServer(t)
	id := signInAs(t, srv, keyID2, secret2)
	status, body, _ := do(t, "GET", srv.URL+"/console/api/session", id, "")
	if status != 200 || !strings.Contains(body, keyID2) {
		t.Fatalf("whoami: %d %s", status, body)
	}
	status, body, _ = do(t, "GET", srv.URL+"/console/api/aws/2015-03-31/functions/", id, "", csrfHeader, "1")
	if status != 200 || body != keyID2+" lambda GET /2015-03-31/functions/ " {
		t.Fatalf("call as the second key: %d %q", status, body)
	}
}

// TestRevokedKeyEndsSession: a key the lookup no longer knows (an access
// key deleted through IAM) ends the sessions it signed in.
func TestRevokedKeyEndsSession(t *testing.T) {
	var mu sync.Mutex
	revoked := false
	srv := newServer(t, func(o *Options) {
		o.Lookup = func(id string) (string, bool) {
			mu.Lock()
			defer mu.Unlock()
			if id == keyID2 && revoked {
				return "", false
			}
			return keys(id)
		}
	})
	id := signInAs(t, srv, keyID2, secret2)
	mu.Lock()
	revoked = true
	mu.Unlock()
	if status, _, _ := do(t, "GET", srv.URL+"/console/api/aws/2015-03-31/functions/", id, "", csrfHeader, "1"); status != http.StatusUnauthorized {
		t.Fatalf("call after the key was deleted: %d", status)
	}
}

// TestSignInRateLimitAndLog: the sixth attempt in a minute from one
// address is refused before the pair is even checked; every attempt is
// logged (failures at warn, success at info) and the secret never is.
func TestSignInRateLimitAndLog(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := newServer(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
		o.Now = func() time.Time { return now }
	})
	bad := `{"accessKeyId":"` + keyID + `","secretAccessKey":"guessed-secret"}`
	for i := range 5 {
		if status, _, _ := do(t, "POST", srv.URL+"/console/api/session", "", bad); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, status)
		}
	}
	status, body, resp := do(t, "POST", srv.URL+"/console/api/session", "", `{"accessKeyId":"`+keyID+`","secretAccessKey":"`+secret+`"}`)
	if status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many sign-in attempts") || len(resp.Cookies()) != 0 {
		t.Fatalf("sixth attempt, right pair: %d %s %v", status, body, resp.Cookies())
	}
	now = now.Add(12 * time.Second)
	signIn(t, srv)

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	if n := strings.Count(out, `level=WARN msg="console sign-in failed: wrong access key pair"`); n != 5 {
		t.Errorf("%d failed attempts logged at warn, want 5:\n%s", n, out)
	}
	if !strings.Contains(out, `level=WARN msg="console sign-in refused: too many attempts" source=127.0.0.1`) {
		t.Errorf("the refused attempt is not logged:\n%s", out)
	}
	if !strings.Contains(out, `level=INFO msg="console sign-in" source=127.0.0.1 access_key_id=`+keyID) {
		t.Errorf("the sign-in is not logged:\n%s", out)
	}
	if strings.Contains(out, secret) || strings.Contains(out, "guessed-secret") {
		t.Errorf("a secret is in the log:\n%s", out)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestCookieSecure: the cookie is Secure (and __Host- prefixed, Path=/)
// when the console's origin is https, when the request came over TLS, or
// when a trusted proxy says so; an untrusted X-Forwarded-Proto changes
// nothing.
func TestCookieSecure(t *testing.T) {
	for _, c := range []struct {
		name, origin string
		tls, trust   bool
		proto        string
		want         bool
	}{
		{"plain http", "http://localhost:9000", false, false, "", false},
		{"https public URL", "https://lambda.example.com", false, false, "", true},
		{"TLS", "http://localhost:9000", true, false, "", true},
		{"forwarded, untrusted", "http://localhost:9000", false, false, "https", false},
		{"forwarded, trusted", "http://localhost:9000", false, true, "https", true},
		{"forwarded http, trusted", "http://localhost:9000", false, true, "http", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := origin.Parse(c.origin)
			if err != nil {
				t.Fatal(err)
			}
			con := New(Options{Origin: o, TrustForwardedProto: c.trust, Lookup: keys})
			r := httptest.NewRequest("POST", c.origin+"/console/api/session", nil)
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if c.proto != "" {
				r.Header.Set("X-Forwarded-Proto", c.proto)
			}
			ck := con.cookie(r, "id", time.Now().Add(time.Hour))
			if ck.Secure != c.want || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				t.Fatalf("cookie %+v, want Secure=%v", ck, c.want)
			}
			if c.want && (ck.Name != secureCookieName || ck.Path != "/") || !c.want && (ck.Name != cookieName || ck.Path != "/console/") {
				t.Fatalf("cookie name %q path %q", ck.Name, ck.Path)
			}
		})
	}
}

// TestOnlyOnItsOrigin: on any other host, pages redirect to the console's
// origin and the facade answers 421 without looking at cookies; a call
// that a browser marks as coming from another site is refused.
func TestOnlyOnItsOrigin(t *testing.T) {
	srv := newServer(t)
	id := signIn(t, srv)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, host string, header ...string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = host
		req.Header.Set("Cookie", cookieName+"="+id)
		req.Header.Set(csrfHeader, "1")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	other := "gust.test:" + strings.Split(srv.URL, ":")[2]
	if resp := get("/console/", other); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != srv.URL+"/console/" {
		t.Errorf("page on another host: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get("/console/api/aws/2015-03-31/functions/", other); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("facade on another host: %d", resp.StatusCode)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if resp := get("/console/api/aws/2015-03-31/functions/", host, "Sec-Fetch-Site", "same-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("facade called from a sibling site: %d", resp.StatusCode)
	}
	if resp := get("/console/api/aws/2015-03-31/functions/", host, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != http.StatusOK {
		t.Errorf("facade called from the console: %d", resp.StatusCode)
	}
}
