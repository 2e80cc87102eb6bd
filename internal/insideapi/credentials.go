package insideapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"sync"
)

// Pair is a function's credentials.
type Pair struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Credentials derives and recognises per-function credentials. Its keys
// are deterministic, so every node derives the same pair for a function,
// but a node recognises only keys it derived itself: functions call the
// node they run on.
type Credentials struct {
	// Secret is the server's secret the pairs derive from.
	Secret string

	mu    sync.Mutex
	known map[string]string // access key id -> secret
	pairs map[string]Pair   // function -> its pair, derived once
}

func (c *Credentials) mac(purpose, function string) []byte {
	m := hmac.New(sha256.New, []byte(c.Secret))
	m.Write([]byte(purpose + "\x00" + function))
	return m.Sum(nil)
}

// For returns function's credentials and starts recognising them. Every
// invocation asks, so a pair is derived once and remembered.
func (c *Credentials) For(function string) Pair {
	c.mu.Lock()
	p, ok := c.pairs[function]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = Pair{
		// ASIA marks temporary credentials, as Lambda's role credentials.
		AccessKeyID:     "ASIA" + base32.StdEncoding.EncodeToString(c.mac("id", function))[:16],
		SecretAccessKey: base64.RawStdEncoding.EncodeToString(c.mac("secret", function))[:40],
		SessionToken:    base64.RawStdEncoding.EncodeToString(c.mac("token", function)),
	}
	c.mu.Lock()
	if c.known == nil {
		c.known, c.pairs = map[string]string{}, map[string]Pair{}
	}
	c.known[p.AccessKeyID] = p.SecretAccessKey
	c.pairs[function] = p
	c.mu.Unlock()
	return p
}

// Lookup finds the secret of a key For handed out; it has the shape of
// sigv4.Lookup.
func (c *Credentials) Lookup(accessKeyID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.known[accessKeyID]
	return s, ok
}
