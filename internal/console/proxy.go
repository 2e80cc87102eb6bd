package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// forwardHeaders are the request headers the API reads; anything else the
// browser sent (cookies above all) stays out of the signed request.
var forwardHeaders = []string{"Content-Type", "X-Amz-Target", "X-Amz-Invocation-Type", "X-Amz-Log-Type", "X-Amz-Client-Context"}

// proxy signs /console/api/aws/REST with the session's own key pair and
// serves /REST with the public API handler, so that what the key may do
// through the API is exactly what it may do through the console.
func (c *Console) proxy(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(csrfHeader) == "" {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "missing " + csrfHeader + " header"})
		return
	}
	s, ok := c.session(r)
	if !ok {
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
	creds := aws.Credentials{AccessKeyID: s.accessKeyID, SecretAccessKey: s.secret}
	if err := c.signer.SignHTTP(r.Context(), creds, in, hash, service, c.opts.Region, c.opts.Now()); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "signing: " + err.Error()})
		return
	}
	c.opts.API.ServeHTTP(w, in)
}
