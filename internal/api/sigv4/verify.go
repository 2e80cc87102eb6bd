package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	timeFormat      = "20060102T150405Z" // ISO 8601 basic, as in X-Amz-Date
	dateFormat      = "20060102"
	terminator      = "aws4_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"

	// defaultMaxSkew is AWS's window: a request signed more than 15 minutes
	// before or after the server's clock is refused.
	defaultMaxSkew = 15 * time.Minute
	// maxExpires is the longest X-Amz-Expires AWS accepts: one week. A
	// longer-lived capability should be a new URL, not an old one.
	maxExpires = 7 * 24 * time.Hour
)

// The presigned query-string parameters.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// Lookup returns the secret for an access key id.
type Lookup func(accessKeyID string) (secret string, ok bool)

// SessionLookup returns the secret of temporary credentials, or
// ErrTokenInvalid / ErrTokenExpired (possibly wrapped), or another error
// when it could not decide.
type SessionLookup func(accessKeyID, sessionToken string) (secret string, err error)

// The refusals a SessionLookup returns.
var (
	ErrTokenInvalid = errors.New("session token invalid")
	ErrTokenExpired = errors.New("session token expired")
)

// Verifier checks SigV4 signatures. Its zero value knows no keys and rejects
// every request; it is safe for concurrent use as long as Lookup and Now are.
type Verifier struct {
	// Lookup finds the secret access key for an access key id. A nil Lookup,
	// a false ok or an empty secret all mean "unknown key": an empty secret
	// would let anyone who guesses the key id sign requests.
	Lookup Lookup
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is how far the request time may be from Now in either
	// direction. Zero or negative means 15 minutes, AWS's window.
	MaxSkew time.Duration
	// Sessions finds the secret of temporary credentials (a request with
	// X-Amz-Security-Token) from their access key id and token; nil means
	// the token is not checked and Lookup is asked as for any key.
	Sessions SessionLookup
	// Region, when set, is the only region a credential scope may name
	// (AWS refuses a request scoped to another region); IAM and STS, being
	// global, also accept us-east-1.
	Region string

	// last is the most recently derived signing key: a client signs
	// every request of a day with the same one, and deriving it costs
	// four HMACs.
	last atomic.Pointer[derivedKey]
}

type derivedKey struct {
	secret string
	cred   credential
	key    []byte
}

// Principal is who signed the request.
type Principal struct {
	AccessKeyID string
	// Region is the region of the credential scope (the Verifier's Region
	// when it has one, or us-east-1 for IAM and STS); it is restricted to
	// lowercase letters, digits and '-' so that it can be put into ARNs as
	// is.
	Region string
	// Service is the signing service name of the credential scope; it always
	// equals the service Verify was asked to check.
	Service string
	// SessionToken is the X-Amz-Security-Token of temporary credentials
	// (verified by the Verifier's Sessions); empty for long-term keys.
	SessionToken string
	// Presigned reports that the signature came in the query string rather
	// than the Authorization header. A presigned URL is a capability that can
	// be passed around and replayed until it expires, so callers may want to
	// accept it only for operations meant to be shared (the code download).
	Presigned bool
}

// Verify authenticates r whose full body has already been read into body (the
// caller reads it with its own size limit; Verify does not touch r.Body). It
// accepts the Authorization header form and the presigned query-string form
// (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature). service is the expected signing
// service name ("lambda", "logs", "events", ...); a credential scope for
// another service is rejected. The scope's region is returned; it must be
// Region when the Verifier has one.
//
// r must be the request as the server received it: Verify rebuilds the
// canonical request from r.Method, r.RequestURI (falling back to r.URL when
// RequestURI is empty, as for requests built with http.NewRequest), r.Host
// and r.Header. Every error it returns is an *Error.
func (v *Verifier) Verify(r *http.Request, body []byte, service string) (Principal, error) {
	if r == nil {
		return Principal{}, authError(CodeMissingAuthenticationToken, msgMissingToken)
	}
	path, rawQuery := requestTarget(r)
	params := splitQuery(rawQuery)

	c, err := readClaim(r, params)
	if err != nil {
		return Principal{}, err
	}
	if err := c.credential.check(service, c); err != nil {
		return Principal{}, err
	}
	if v.Region != "" && c.credential.region != v.Region &&
		!((service == "iam" || service == "sts") && c.credential.region == "us-east-1") {
		return Principal{}, authError(CodeInvalidSignature, "Credential should be scoped to a valid region. ")
	}
	token := sessionToken(r, params)
	var secret string
	if token != "" && v.Sessions != nil {
		var err error
		secret, err = v.Sessions(c.credential.accessKeyID, token)
		switch {
		case errors.Is(err, ErrTokenExpired):
			return Principal{}, authError(CodeExpiredToken, msgExpiredToken)
		case errors.Is(err, ErrTokenInvalid):
			return Principal{}, authError(CodeUnrecognizedClient, msgUnrecognized)
		case err != nil:
			return Principal{}, fmt.Errorf("checking session token: %w", err)
		}
	} else {
		var ok bool
		secret, ok = v.lookup(c.credential.accessKeyID)
		if !ok {
			return Principal{}, authError(CodeUnrecognizedClient, msgUnrecognized)
		}
		if v.Sessions == nil {
			token = ""
		}
	}
	if err := v.checkTime(c); err != nil {
		return Principal{}, err
	}
	payloads, err := payloadHashes(r, params, body, c.presigned)
	if err != nil {
		return Principal{}, err
	}

	var key []byte
	if d := v.last.Load(); d != nil && d.secret == secret && d.cred == c.credential {
		key = d.key
	} else {
		key = signingKey(secret, c.credential)
		v.last.Store(&derivedKey{secret: secret, cred: c.credential, key: key})
	}
	stsPrefix := algorithm + "\n" + c.amzDate + "\n" + c.credential.scope() + "\n"
	headers := canonicalHeaders(r, c.headerNames)
	method := r.Method
	if method == "" {
		method = http.MethodGet // what net/http sends for an empty Method
	}
	for _, uri := range canonicalURIs(path) {
		for _, query := range canonicalQueries(rawQuery, params, c.presigned) {
			for _, payload := range payloads {
				cr := method + "\n" + uri + "\n" + query + "\n" + headers + "\n" + c.signedHeaders + "\n" + payload
				sum := sha256.Sum256([]byte(cr))
				want := hex.EncodeToString(hmacSHA256(key, stsPrefix+hex.EncodeToString(sum[:])))
				if subtle.ConstantTimeCompare([]byte(want), []byte(c.signature)) == 1 {
					return Principal{
						AccessKeyID:  c.credential.accessKeyID,
						Region:       c.credential.region,
						Service:      c.credential.service,
						SessionToken: token,
						Presigned:    c.presigned,
					}, nil
				}
			}
		}
	}
	return Principal{}, authError(CodeInvalidSignature, msgSignatureMismatch)
}

// sessionToken is the request's X-Amz-Security-Token, from the header or
// (presigned) the query string.
func sessionToken(r *http.Request, params []queryParam) string {
	if t := r.Header.Get("X-Amz-Security-Token"); t != "" {
		return t
	}
	for _, p := range params {
		if p.key == "X-Amz-Security-Token" {
			return p.value
		}
	}
	return ""
}

func (v *Verifier) lookup(accessKeyID string) (string, bool) {
	if v.Lookup == nil {
		return "", false
	}
	secret, ok := v.Lookup(accessKeyID)
	return secret, ok && secret != ""
}

// checkTime applies AWS's clock window, and for presigned URLs with
// X-Amz-Expires their lifetime instead of the window's lower bound. The
// messages reproduce AWS's, including the "N min." arithmetic, because people
// debugging clock skew search for them.
func (v *Verifier) checkTime(c claim) *Error {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	t := now().UTC().Truncate(time.Second)
	skew := v.MaxSkew
	if skew <= 0 {
		skew = defaultMaxSkew
	}
	if latest := t.Add(skew); c.time.After(latest) {
		return authError(CodeInvalidSignature, "Signature not yet current: %s is still later than %s (%s + %s.)",
			c.amzDate, latest.Format(timeFormat), t.Format(timeFormat), window(skew))
	}
	if c.hasExpires {
		// S3 does not stretch a presigned URL's lifetime by the skew window,
		// so neither does Gust: a URL valid for 60s is valid for 60s.
		if t.After(c.time.Add(c.expires)) {
			return authError(CodeAccessDenied, msgRequestExpired)
		}
		return nil
	}
	if earliest := t.Add(-skew); c.time.Before(earliest) {
		return authError(CodeInvalidSignature, "Signature expired: %s is now earlier than %s (%s - %s.)",
			c.amzDate, earliest.Format(timeFormat), t.Format(timeFormat), window(skew))
	}
	return nil
}

// window spells a skew the way AWS does ("15 min"), falling back to seconds
// for a window that is not a whole number of minutes.
func window(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + " sec"
}

// payloadHashes returns the payload hashes the client may have signed.
// UNSIGNED-PAYLOAD is honoured only when the request says so in
// X-Amz-Content-Sha256, or for a presigned request without a body: S3-style
// presigners (Presign included) always sign UNSIGNED-PAYLOAD without saying
// so, and with an empty body there is nothing left unauthenticated.
func payloadHashes(r *http.Request, params []queryParam, body []byte, presigned bool) ([]string, error) {
	declared := r.Header.Get(qContentSHA256)
	if declared == "" && presigned {
		for _, p := range params {
			if p.key == qContentSHA256 {
				declared = p.value
				break
			}
		}
	}
	switch {
	case declared == unsignedPayload:
		return []string{unsignedPayload}, nil
	case strings.HasPrefix(declared, "STREAMING-"):
		return nil, authError(CodeIncompleteSignature,
			"x-amz-content-sha256 '%s' (aws-chunked payload signing) is not supported; sign the whole payload.", declared)
	}
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	if presigned && len(body) == 0 {
		return []string{h, unsignedPayload}, nil
	}
	return []string{h}, nil
}

// signingKey derives the SigV4 key: HMAC chained over date, region, service
// and terminator, starting from "AWS4"+secret.
func signingKey(secret string, c credential) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), c.date)
	k = hmacSHA256(k, c.region)
	k = hmacSHA256(k, c.service)
	return hmacSHA256(k, c.terminator)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
