package console

import (
	"embed"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"gust/internal/api/sigv4"
	"gust/internal/origin"
)

//go:embed all:dist
var dist embed.FS

// Options configure a Console.
type Options struct {
	// API serves the public API (Lambda REST, JSON 1.1 services,
	// /gust/v1/); facade requests are signed and handed to it.
	API http.Handler
	// Lookup finds the secret of an access key id: the same lookup the
	// API's SigV4 verifier uses, so any key pair the API accepts may sign
	// in, and a key that stops working there ends its console sessions.
	Lookup sigv4.Lookup
	Region string
	// Origin is the one origin the console is served on. A request for
	// /console/ on any other host is redirected there (pages) or refused
	// (the facade); no function content may be served on it.
	Origin origin.Origin
	// TrustForwardedProto makes the session cookie Secure when a proxy
	// says the request came over https (X-Forwarded-Proto: https). Only
	// set it behind a proxy that sets or strips that header.
	TrustForwardedProto bool
	// SessionTTL is how long a session lasts; default 12h.
	SessionTTL time.Duration
	// SignInBurst sign-in attempts are allowed per source address at once,
	// then one every SignInInterval; defaults 5 and 12s (5 a minute).
	SignInBurst    int
	SignInInterval time.Duration
	Logger         *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Console is the /console/ handler.
type Console struct {
	opts    Options
	mux     *http.ServeMux
	signer  *v4.Signer
	limiter *limiter

	mu       sync.Mutex
	sessions map[string]session // id → session
}

// session is one signed-in browser: the key pair it signed in with (the
// secret never leaves the server) and when it ends.
type session struct {
	accessKeyID, secret string
	expires             time.Time
}

const (
	// cookieName is the session cookie over http; over https it is
	// secureCookieName, whose __Host- prefix makes the browser refuse it
	// from any other host (a function URL's host-form sibling cannot plant
	// its own session cookie on the console).
	cookieName       = "gust_console"
	secureCookieName = "__Host-gust_console"
	// csrfHeader must accompany every facade call: a cross-site form or
	// image cannot send it, and a cross-origin fetch with it needs a CORS
	// preflight this server never grants.
	csrfHeader = "X-Gust-Console"
	maxBody    = 64 << 20
)

// New returns the console handler; register it for "/console/".
func New(opts Options) *Console {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.SignInBurst == 0 {
		opts.SignInBurst = 5
	}
	if opts.SignInInterval == 0 {
		opts.SignInInterval = 12 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Console{opts: opts, signer: v4.NewSigner(), sessions: map[string]session{},
		limiter: newLimiter(opts.SignInBurst, opts.SignInInterval)}
	c.mux = http.NewServeMux()
	c.mux.HandleFunc("POST /console/api/session", c.signIn)
	c.mux.HandleFunc("GET /console/api/session", c.whoami)
	c.mux.HandleFunc("DELETE /console/api/session", c.signOut)
	c.mux.HandleFunc("/console/api/aws/", c.proxy)
	c.mux.HandleFunc("/console/api/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "no such console API"})
	})
	c.mux.HandleFunc("/console/", c.static)
	c.mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusMovedPermanently)
	})
	return c
}

// ServeHTTP serves the console on its origin only. Elsewhere pages are
// redirected to it and the facade is refused, so that no page served on
// another host (a function URL's) is ever same-origin with a signed-in
// console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !c.opts.Origin.Serves(r) {
		c.elsewhere(w, r)
		return
	}
	// A browser says where a request comes from; the facade answers only
	// the console's own pages. (The CSRF header already forces a CORS
	// preflight on any other origin; this also covers browsers that do
	// not send the header, and same-site sibling hosts.)
	if site := r.Header.Get("Sec-Fetch-Site"); isAPI(r) && site != "" && site != "same-origin" {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "console API calls must come from the console's own pages"})
		return
	}
	c.mux.ServeHTTP(w, r)
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/console/api/")
}

func (c *Console) elsewhere(w http.ResponseWriter, r *http.Request) {
	where := c.opts.Origin.String() + "/console/"
	if !isAPI(r) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, where, http.StatusFound)
		return
	}
	writeJSON(w, http.StatusMisdirectedRequest, map[string]string{"message": "the console is served at " + where + " only"})
}

// Built reports whether the front-end was built into dist/ before this
// binary was compiled.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !Built() {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "The Gust console was not built into this binary.\n"+
			"Build it with: (cd internal/console/web && npm ci && npm run build), then rebuild gust.\n")
		return
	}
	sub, _ := fs.Sub(dist, "dist")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "no-cache")
	http.StripPrefix("/console", http.FileServerFS(sub)).ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
