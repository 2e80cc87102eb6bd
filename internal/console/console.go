package console

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

//go:embed all:dist
var dist embed.FS

// Options configure a Console.
type Options struct {
	// API serves the public API (Lambda REST, JSON 1.1 services,
	// /gust/v1/); facade requests are signed and handed to it.
	API             http.Handler
	AccessKeyID     string
	SecretAccessKey string
	Region          string
	// SessionTTL is how long a session lasts; default 12h.
	SessionTTL time.Duration
	Logger     *slog.Logger
}

// Console is the /console/ handler.
type Console struct {
	opts   Options
	mux    *http.ServeMux
	signer *v4.Signer

	mu       sync.Mutex
	sessions map[string]time.Time // id → expiry
}

const (
	cookieName = "gust_console"
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
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Console{opts: opts, signer: v4.NewSigner(), sessions: map[string]time.Time{}}
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

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.mux.ServeHTTP(w, r) }

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
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	w.Header().Set("Cache-Control", "no-cache")
	http.StripPrefix("/console", http.FileServerFS(sub)).ServeHTTP(w, r)
}

type signInRequest struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	var in signInRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "want JSON {accessKeyId, secretAccessKey}"})
		return
	}
	idOK := subtle.ConstantTimeCompare([]byte(in.AccessKeyID), []byte(c.opts.AccessKeyID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(in.SecretAccessKey), []byte(c.opts.SecretAccessKey)) == 1
	if !idOK || !secretOK {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Wrong access key pair: use the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY the server printed at start."})
		return
	}
	id := newSessionID()
	expires := time.Now().Add(c.opts.SessionTTL)
	c.mu.Lock()
	for k, exp := range c.sessions {
		if time.Now().After(exp) {
			delete(c.sessions, k)
		}
	}
	c.sessions[id] = expires
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/console/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, Expires: expires})
	writeJSON(w, http.StatusOK, map[string]string{"accessKeyId": c.opts.AccessKeyID, "region": c.opts.Region})
}

func (c *Console) whoami(w http.ResponseWriter, r *http.Request) {
	if !c.authenticated(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "not signed in"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"accessKeyId": c.opts.AccessKeyID, "region": c.opts.Region})
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(cookieName); err == nil {
		c.mu.Lock()
		delete(c.sessions, ck.Value)
		c.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/console/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (c *Console) authenticated(r *http.Request) bool {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.sessions[ck.Value]
	return ok && time.Now().Before(exp)
}

// forwardHeaders are the request headers the API reads; anything else the
// browser sent (cookies above all) stays out of the signed request.
var forwardHeaders = []string{"Content-Type", "X-Amz-Target", "X-Amz-Invocation-Type", "X-Amz-Log-Type", "X-Amz-Client-Context"}

// proxy signs /console/api/aws/REST as the server's own key pair and serves
// /REST with the public API handler.
func (c *Console) proxy(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(csrfHeader) == "" {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "missing " + csrfHeader + " header"})
		return
	}
	if !c.authenticated(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "not signed in"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"message": "request too large"})
		return
	}
	path := "/" + strings.TrimPrefix(r.URL.EscapedPath(), "/console/api/aws/")
	target := path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	in, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+r.Host+target, bytes.NewReader(body))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	in.RequestURI = target
	in.RemoteAddr = r.RemoteAddr
	for _, h := range forwardHeaders {
		if v := r.Header.Get(h); v != "" {
			in.Header.Set(h, v)
		}
	}
	service := "lambda"
	if strings.HasPrefix(in.Header.Get("X-Amz-Target"), "Logs_") {
		service = "logs"
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	in.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: c.opts.AccessKeyID, SecretAccessKey: c.opts.SecretAccessKey}
	if err := c.signer.SignHTTP(r.Context(), creds, in, hash, service, c.opts.Region, time.Now()); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "signing: " + err.Error()})
		return
	}
	c.opts.API.ServeHTTP(w, in)
}

func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
