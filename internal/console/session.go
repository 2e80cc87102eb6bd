package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"time"
)

type signInRequest struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// wrongPair is the one answer to every failed sign-in: it does not say
// whether the key id exists.
const wrongPair = "Wrong access key pair: use an access key ID and secret the server knows (the server prints its own at start)."

// signIn checks a key pair against the API's key lookup and starts a
// session that signs the console's calls with that pair. Attempts are rate
// limited per source address and every one is logged, never the secret.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	now := c.opts.Now()
	source := sourceAddr(r)
	log := c.opts.Logger.With("source", source)
	if !c.limiter.allow(source, now) {
		log.Warn("console sign-in refused: too many attempts")
		w.Header().Set("Retry-After", "60")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Too many sign-in attempts from this address: wait a minute and try again."})
		return
	}
	var in signInRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil {
		log.Warn("console sign-in failed: malformed request", "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "want JSON {accessKeyId, secretAccessKey}"})
		return
	}
	if !c.valid(in.AccessKeyID, in.SecretAccessKey) {
		log.Warn("console sign-in failed: wrong access key pair", "access_key_id", printable(in.AccessKeyID))
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": wrongPair})
		return
	}
	id := newSessionID()
	expires := now.Add(c.opts.SessionTTL)
	c.mu.Lock()
	for k, s := range c.sessions {
		if now.After(s.expires) {
			delete(c.sessions, k)
		}
	}
	c.sessions[id] = session{accessKeyID: in.AccessKeyID, secret: in.SecretAccessKey, expires: expires}
	c.mu.Unlock()
	log.Info("console sign-in", "access_key_id", in.AccessKeyID)
	http.SetCookie(w, c.cookie(r, id, expires))
	writeJSON(w, http.StatusOK, map[string]string{"accessKeyId": in.AccessKeyID, "region": c.opts.Region})
}

// valid reports whether secret is the current secret of key id.
func (c *Console) valid(id, secret string) bool {
	if c.opts.Lookup == nil || id == "" || secret == "" {
		return false
	}
	want, ok := c.opts.Lookup(id)
	return ok && want != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1
}

// secure reports whether the session cookie must be Secure: the console's
// origin is https, or this request came over TLS, or a trusted proxy says
// it did.
func (c *Console) secure(r *http.Request) bool {
	return c.opts.Origin.HTTPS() || r.TLS != nil ||
		(c.opts.TrustForwardedProto && r.Header.Get("X-Forwarded-Proto") == "https")
}

// cookie is the session cookie for id: HttpOnly and SameSite=Strict always;
// Secure, and then named with the __Host- prefix (which requires Path=/),
// when secure says so.
func (c *Console) cookie(r *http.Request, id string, expires time.Time) *http.Cookie {
	ck := &http.Cookie{Name: cookieName, Value: id, Path: "/console/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Expires: expires}
	if id == "" {
		ck.Expires, ck.MaxAge = time.Time{}, -1
	}
	if c.secure(r) {
		ck.Name, ck.Path, ck.Secure = secureCookieName, "/", true
	}
	return ck
}

func (c *Console) whoami(w http.ResponseWriter, r *http.Request) {
	s, ok := c.session(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "not signed in"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"accessKeyId": s.accessKeyID, "region": c.opts.Region})
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	if id, ok := sessionID(r); ok {
		c.mu.Lock()
		delete(c.sessions, id)
		c.mu.Unlock()
	}
	http.SetCookie(w, c.cookie(r, "", time.Time{}))
	w.WriteHeader(http.StatusNoContent)
}

func sessionID(r *http.Request) (string, bool) {
	for _, name := range []string{secureCookieName, cookieName} {
		if ck, err := r.Cookie(name); err == nil {
			return ck.Value, true
		}
	}
	return "", false
}

// session is r's live session. A session whose key no longer has the
// secret it signed in with (deleted or rotated) ends here.
func (c *Console) session(r *http.Request) (session, bool) {
	id, ok := sessionID(r)
	if !ok {
		return session{}, false
	}
	c.mu.Lock()
	s, ok := c.sessions[id]
	c.mu.Unlock()
	if !ok || !c.opts.Now().Before(s.expires) {
		return session{}, false
	}
	if !c.valid(s.accessKeyID, s.secret) {
		c.mu.Lock()
		delete(c.sessions, id)
		c.mu.Unlock()
		c.opts.Logger.Info("console session ended: its key is no longer valid", "access_key_id", s.accessKeyID)
		return session{}, false
	}
	return s, true
}

// sourceAddr is the address sign-in attempts are counted against: the
// connection's peer. (Behind a proxy that is the proxy; X-Forwarded-For is
// not trusted, as anyone can send it.)
func sourceAddr(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// printable bounds what a failed attempt puts in the log.
func printable(s string) string {
	if len(s) > 128 {
		s = s[:128]
	}
	return s
}

func newSessionID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
