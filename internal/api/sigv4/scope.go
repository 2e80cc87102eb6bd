package sigv4

import (
	"net/http"
	"strings"
)

// ScopeService is the signing service a request names in its credential
// scope (Authorization header or X-Amz-Credential), without verifying
// anything: the front door uses it to pick the service whose router then
// verifies the request. An unsigned or malformed request names none ("").
func ScopeService(r *http.Request) string {
	cred := ""
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, algorithm+" ") {
		if _, rest, ok := strings.Cut(auth, "Credential="); ok {
			cred, _, _ = strings.Cut(rest, ",")
		}
	} else if r.URL != nil {
		for _, p := range splitQuery(r.URL.RawQuery) {
			if p.key == qCredential {
				cred = p.value
				break
			}
		}
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}
