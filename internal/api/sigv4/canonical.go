package sigv4

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The canonical request is rebuilt from the request line as it arrived.
// Clients disagree on how to canonicalise it, so Verify tries each of these
// forms (at most three URIs times three query strings) and accepts a
// signature over any of them:
//
//	URI    1. the wire path URI-encoded once more: AWS's rule for all services
//	          but S3, followed by aws-sdk-go-v2 and botocore;
//	       2. the same after removing dot segments and empty segments, which
//	          botocore does first;
//	       3. the wire path as is, only when it contains no '%': curl 7.x
//	          (and S3-style signers) sign it unencoded.
//	query  1. names and values decoded, re-encoded with RFC 3986, sorted:
//	          the SigV4 rule (aws-sdk-go-v2 rewrites its query to this form);
//	       2. the raw name=value pairs sorted but not re-encoded: botocore,
//	          when the query comes in the URL rather than as parameters;
//	       3. the raw query as is: curl 7.x, which neither sorts nor encodes.
//
// Accepting several forms must not let one signature cover two requests that
// mean different things. For the query, query form 1 only ever contains
// unreserved characters, "%XX", one '=' per pair and '&', so whenever two
// requests share any form string their pairs decode to the same multiset
// (form 1 is skipped for queries that do not decode). For the path, form 1 is
// injective and only ever contains unreserved characters, '/' and "%XX";
// form 3 is offered only for paths without '%', and such a path equals some
// request's form 1 only if it consists of unreserved characters and '/',
// in which case it is that same path. Form 2 merely adds AWS's own
// equivalence of "/a/./b", "/a//b" and "/a/b". What is deliberately not
// offered is the once-encoded decoded path (S3's rule): next to form 1 it
// would let a signature for "/a%41" also authorise "/a%2541".

// requestTarget returns the path and query exactly as the client sent them.
// r.URL may have been rewritten by routing (http.StripPrefix) and its decoded
// Path loses the distinction between "%2F" and "/", so the request line in
// RequestURI is preferred.
func requestTarget(r *http.Request) (path, rawQuery string) {
	if r.RequestURI != "" {
		path, rawQuery, _ = strings.Cut(r.RequestURI, "?")
		if !strings.HasPrefix(path, "/") {
			// Absolute form ("http://host/path"), sent to proxies and
			// produced by httptest.NewRequest with a full URL.
			if _, rest, ok := strings.Cut(path, "://"); ok {
				path = "/"
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					path = rest[i:]
				}
			}
		}
		return path, rawQuery
	}
	if r.URL == nil {
		return "/", ""
	}
	if op := r.URL.Opaque; op != "" {
		// The SDKs' documented way to pre-escape a path: "//host/path".
		path = op
		if rest, ok := strings.CutPrefix(op, "//"); ok {
			path = "/"
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				path = rest[i:]
			}
		}
		return path, r.URL.RawQuery
	}
	return r.URL.EscapedPath(), r.URL.RawQuery
}

// canonicalURIs returns the canonical URI forms described above, without
// duplicates, the standard one first.
func canonicalURIs(path string) []string {
	if path == "" {
		path = "/"
	}
	forms := []string{uriEncode(path, false)}
	forms = appendNew(forms, uriEncode(normalizePath(path), false))
	if !strings.Contains(path, "%") {
		forms = appendNew(forms, path)
	}
	return forms
}

// normalizePath removes "." and ".." segments and empty segments, keeping a
// leading and trailing slash, exactly as botocore's remove_dot_segments does.
func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	var b strings.Builder
	if p[0] == '/' {
		b.WriteByte('/')
	}
	b.WriteString(strings.Join(out, "/"))
	if p[len(p)-1] == '/' && len(out) > 0 {
		b.WriteByte('/')
	}
	return b.String()
}

// uriEncode percent-encodes every byte outside RFC 3986's unreserved set
// with uppercase hex, as SigV4 specifies ('/' kept when encodeSlash is false).
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xF])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// queryParam is one name=value pair of the raw query, kept both as sent and
// decoded (with '+' as space, as Go and aws-sdk-go-v2 read queries).
type queryParam struct {
	rawKey, rawValue string
	key, value       string
	// valid is false when the pair is not valid percent-encoding; key and
	// value then hold the text as sent.
	valid bool
}

// splitQuery splits on '&' only. url.ParseQuery is not used because it
// rejects ';', which SigV4 treats as an ordinary character.
func splitQuery(raw string) []queryParam {
	var params []queryParam
	for _, seg := range strings.Split(raw, "&") {
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		dk, okk := unescape(k)
		dv, okv := unescape(v)
		params = append(params, queryParam{rawKey: k, rawValue: v, key: dk, value: dv, valid: okk && okv})
	}
	return params
}

// unescape decodes a query component, returning it as sent and false when it
// is not valid percent-encoding.
func unescape(s string) (string, bool) {
	if d, err := url.QueryUnescape(s); err == nil {
		return d, true
	}
	return s, false
}

func hasParam(params []queryParam, key string) bool {
	for _, p := range params {
		if p.key == key {
			return true
		}
	}
	return false
}

// canonicalQueries returns the canonical query forms described above. A
// presigned request's X-Amz-Signature is not part of what was signed.
func canonicalQueries(raw string, params []queryParam, presigned bool) []string {
	type pair struct{ k, v string }
	var encoded, sent []pair
	decodable := true
	for _, p := range params {
		if presigned && p.key == qSignature {
			continue
		}
		decodable = decodable && p.valid
		encoded = append(encoded, pair{uriEncode(p.key, true), uriEncode(p.value, true)})
		sent = append(sent, pair{p.rawKey, p.rawValue})
	}
	// Sorted by name, then value: sorting the joined "k=v" strings would
	// order "a-b=1" before "a=1" because '-' sorts before '='.
	join := func(ps []pair) string {
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].k != ps[j].k {
				return ps[i].k < ps[j].k
			}
			return ps[i].v < ps[j].v
		})
		var b strings.Builder
		for i, p := range ps {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(p.k)
			b.WriteByte('=')
			b.WriteString(p.v)
		}
		return b.String()
	}
	// A query that does not decode has no re-encoded form: "a=%zz" would
	// re-encode like "a=%25zz", yet Go's url.ParseQuery drops the first pair
	// and keeps the second, so one signature would cover two meanings.
	var forms []string
	if decodable {
		forms = append(forms, join(encoded))
	}
	forms = appendNew(forms, join(sent))

	literal := raw
	if presigned {
		var kept []string
		for _, seg := range strings.Split(raw, "&") {
			k, _, _ := strings.Cut(seg, "=")
			if dk, _ := unescape(k); dk != qSignature {
				kept = append(kept, seg)
			}
		}
		literal = strings.Join(kept, "&")
	}
	return appendNew(forms, literal)
}

// canonicalHeaders renders "name:value\n" for each signed header, in the
// order the client listed them (which SigV4 requires to be sorted; a client
// that did not sort signed something else and will not match).
func canonicalHeaders(r *http.Request, names []string) string {
	var b strings.Builder
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	return b.String()
}

// headerValue returns a signed header's canonical value: each value trimmed
// with runs of spaces collapsed, multiple values joined with ','. Go's server
// moves some headers out of r.Header; they are read back from where it put
// them.
func headerValue(r *http.Request, name string) string {
	var values []string
	switch name {
	case "host":
		h := r.Host
		if h == "" && r.URL != nil {
			h = r.URL.Host
		}
		values = []string{h}
	default:
		values = r.Header.Values(name)
		if len(values) == 0 {
			// Keys set on the map directly need not be canonical.
			for k, vs := range r.Header {
				if strings.EqualFold(k, name) {
					values = append(values, vs...)
				}
			}
		}
		if len(values) == 0 {
			switch name {
			case "content-length":
				if r.ContentLength >= 0 {
					values = []string{strconv.FormatInt(r.ContentLength, 10)}
				}
			case "transfer-encoding":
				values = r.TransferEncoding
			}
		}
	}
	// values may alias r.Header or r.TransferEncoding; build a new slice.
	canon := make([]string, len(values))
	for i, v := range values {
		canon[i] = trimAll(v)
	}
	return strings.Join(canon, ",")
}

// trimAll trims a header value and collapses runs of spaces to one, SigV4's
// "Trimall".
func trimAll(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func appendNew(list []string, s string) []string {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	return append(list, s)
}
