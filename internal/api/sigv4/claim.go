package sigv4

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// claim is what a request says about its own signature, whichever form
// carried it.
type claim struct {
	presigned     bool
	credential    credential
	signedHeaders string   // as sent, e.g. "content-type;host;x-amz-date"
	headerNames   []string // signedHeaders split on ';'
	signature     string
	amzDate       string // request time as it enters the string to sign
	time          time.Time
	expires       time.Duration
	hasExpires    bool
}

// credential is the parsed "AKID/YYYYMMDD/region/service/aws4_request".
type credential struct {
	accessKeyID, date, region, service, terminator string
}

func (c credential) scope() string {
	return c.date + "/" + c.region + "/" + c.service + "/" + c.terminator
}

// readClaim finds the authentication data in r: the Authorization header or
// the presigned query string, never both.
func readClaim(r *http.Request, params []queryParam) (claim, error) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	presigned := hasParam(params, qAlgorithm) || hasParam(params, qCredential) || hasParam(params, qSignature)
	switch {
	case auth != "" && presigned:
		return claim{}, authError(CodeIncompleteSignature,
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified")
	case auth != "":
		return headerClaim(r, auth)
	case presigned:
		return queryClaim(params)
	}
	return claim{}, authError(CodeMissingAuthenticationToken, msgMissingToken)
}

// headerClaim parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...". Like AWS it splits the parameters on commas and spaces, so
// a stray space inside the credential is reported as a broken pair rather
// than silently signing with a truncated key id.
func headerClaim(r *http.Request, auth string) (claim, error) {
	alg, rest, _ := strings.Cut(auth, " ")
	if alg != algorithm && strings.HasPrefix(alg, "AWS4-") {
		return claim{}, authError(CodeIncompleteSignature, "Unsupported AWS 'algorithm': '%s'.", alg)
	}
	fields := map[string]string{}
	if alg == algorithm {
		parts := strings.FieldsFunc(rest, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' })
		for _, part := range parts {
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				return claim{}, authError(CodeIncompleteSignature,
					"'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, auth)
			}
			if _, dup := fields[k]; !dup {
				fields[k] = val
			}
		}
	}
	// Anything that is not AWS4-HMAC-SHA256 (a bearer token, SigV2's
	// "AWS key:sig") gets the same answer as AWS gives: every part is missing.
	amzDate, t, hasDate, err := headerDate(r)
	if err != nil {
		return claim{}, err
	}
	var missing strings.Builder
	for _, name := range []string{"Credential", "Signature", "SignedHeaders"} {
		if fields[name] == "" {
			fmt.Fprintf(&missing, "Authorization header requires '%s' parameter. ", name)
		}
	}
	if !hasDate {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		return claim{}, authError(CodeIncompleteSignature, "%sAuthorization=%s", missing.String(), auth)
	}

	cred, cerr := parseCredential(fields["Credential"])
	if cerr != nil {
		return claim{}, cerr
	}
	names, herr := parseSignedHeaders(fields["SignedHeaders"])
	if herr != nil {
		return claim{}, herr
	}
	return claim{
		credential:    cred,
		signedHeaders: fields["SignedHeaders"],
		headerNames:   names,
		signature:     fields["Signature"],
		amzDate:       amzDate,
		time:          t,
	}, nil
}

// headerDate returns the request time from X-Amz-Date, or from Date when
// X-Amz-Date is absent, as SigV4 allows. The string to sign always carries
// the ISO 8601 basic form.
func headerDate(r *http.Request) (amzDate string, t time.Time, ok bool, err error) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := parseAmzDate(v)
		if err != nil {
			return "", time.Time{}, false, err
		}
		return v, t, true, nil
	}
	if v := r.Header.Get("Date"); v != "" {
		// botocore writes RFC 2822 with "-0000"; browsers and curl write
		// RFC 1123 with "GMT".
		for _, layout := range []string{time.RFC1123, time.RFC1123Z, time.RFC850, time.ANSIC} {
			if t, err := time.Parse(layout, v); err == nil {
				t = t.UTC()
				return t.Format(timeFormat), t, true, nil
			}
		}
		return "", time.Time{}, false, authError(CodeIncompleteSignature,
			"Date header must be an RFC 1123 date. Got '%s'.", v)
	}
	return "", time.Time{}, false, nil
}

func parseAmzDate(v string) (time.Time, error) {
	t, err := time.Parse(timeFormat, v)
	if err != nil || t.Format(timeFormat) != v {
		return time.Time{}, authError(CodeIncompleteSignature,
			"Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", v)
	}
	return t, nil
}

// queryClaim parses a presigned URL's X-Amz-* parameters. X-Amz-Expires is
// optional: without it a presigned request is held to the same clock window
// as a signed header, which is how AWS's non-S3 services treat it.
func queryClaim(params []queryParam) (claim, error) {
	get := func(name string) (string, bool, error) {
		var val string
		var n int
		for _, p := range params {
			if p.key == name {
				val = p.value
				n++
			}
		}
		if n > 1 {
			// Two signatures or two dates: which one was meant is
			// guesswork, and guesswork is how signature bypasses start.
			return "", false, authError(CodeIncompleteSignature, "Query-string parameter '%s' must appear only once.", name)
		}
		return val, n == 1 && val != "", nil
	}
	values := map[string]string{}
	missing := false
	for _, name := range []string{qAlgorithm, qCredential, qSignature, qDate, qSignedHeaders} {
		val, ok, err := get(name)
		if err != nil {
			return claim{}, err
		}
		missing = missing || !ok
		values[name] = val
	}
	if missing {
		return claim{}, authError(CodeIncompleteSignature,
			"AWS query-string parameters must include '%s', '%s', '%s', '%s', '%s'. Re-examine the query-string parameters.",
			qAlgorithm, qCredential, qSignature, qDate, qSignedHeaders)
	}
	if values[qAlgorithm] != algorithm {
		return claim{}, authError(CodeIncompleteSignature, "X-Amz-Algorithm only supports '%s'. Got '%s'.", algorithm, values[qAlgorithm])
	}
	t, err := parseAmzDate(values[qDate])
	if err != nil {
		return claim{}, err
	}
	c := claim{
		presigned:     true,
		signedHeaders: values[qSignedHeaders],
		signature:     values[qSignature],
		amzDate:       values[qDate],
		time:          t,
	}
	exp, hasExp, err := get(qExpires)
	if err != nil {
		return claim{}, err
	}
	if hasExp {
		secs, perr := strconv.ParseInt(exp, 10, 64)
		switch {
		case perr != nil:
			return claim{}, authError(CodeIncompleteSignature, "X-Amz-Expires should be a number")
		case secs < 0:
			return claim{}, authError(CodeIncompleteSignature, "X-Amz-Expires must be non-negative")
		case secs > int64(maxExpires/time.Second):
			return claim{}, authError(CodeIncompleteSignature,
				"X-Amz-Expires must be less than a week (in seconds) that is %d", int64(maxExpires/time.Second))
		}
		c.expires = time.Duration(secs) * time.Second
		c.hasExpires = true
	}
	if c.credential, err = parseCredential(values[qCredential]); err != nil {
		return claim{}, err
	}
	if c.headerNames, err = parseSignedHeaders(c.signedHeaders); err != nil {
		return claim{}, err
	}
	return c, nil
}

func parseCredential(s string) (credential, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 5 || parts[0] == "" {
		return credential{}, authError(CodeIncompleteSignature,
			`Credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request". Got '%s'.`, s)
	}
	return credential{
		accessKeyID: parts[0],
		date:        parts[1],
		region:      parts[2],
		service:     parts[3],
		terminator:  parts[4],
	}, nil
}

// parseSignedHeaders splits the SignedHeaders list. Host must be signed:
// without it a request signed for one endpoint could be replayed against
// another that shares the key.
func parseSignedHeaders(s string) ([]string, error) {
	names := strings.Split(s, ";")
	for _, n := range names {
		if n == "host" {
			return names, nil
		}
	}
	return nil, authError(CodeIncompleteSignature,
		"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
}

// check validates the credential scope against the expected service and the
// request time. The texts and the InvalidSignatureException code are AWS's
// for a scope that is well formed but wrong.
func (c credential) check(service string, cl claim) error {
	if c.terminator != terminator {
		return authError(CodeInvalidSignature,
			"Credential should be scoped with a valid terminator: '%s', not '%s'. ", terminator, c.terminator)
	}
	if c.service != service || service == "" {
		return authError(CodeInvalidSignature, "Credential should be scoped to correct service: '%s'. ", service)
	}
	if !validRegion(c.region) {
		return authError(CodeInvalidSignature, "Credential should be scoped to a valid region, not '%s'. ", c.region)
	}
	if day := cl.time.Format(dateFormat); c.date != day {
		return authError(CodeInvalidSignature,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			c.date, day, cl.amzDate)
	}
	return nil
}

func validRegion(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
