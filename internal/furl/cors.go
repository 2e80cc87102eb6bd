package furl

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// IsPreflight reports whether r is a CORS preflight.
func IsPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// allowedOrigin is the Access-Control-Allow-Origin to answer origin with,
// or "" when the configuration does not allow it.
func allowedOrigin(c *Cors, origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			if c.AllowCredentials {
				return origin // "*" is not valid with credentials
			}
			return "*"
		}
		if strings.EqualFold(o, origin) {
			return origin
		}
	}
	return ""
}

// Preflight answers a CORS preflight from the configuration alone, without
// invoking the function.
func Preflight(w http.ResponseWriter, r *http.Request, c *Cors) {
	h := w.Header()
	origin := allowedOrigin(c, r.Header.Get("Origin"))
	method := strings.ToUpper(r.Header.Get("Access-Control-Request-Method"))
	if origin != "" && (slices.Contains(c.AllowMethods, "*") || slices.ContainsFunc(c.AllowMethods, func(m string) bool { return strings.EqualFold(m, method) })) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
		if len(c.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
		}
		if c.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if c.MaxAge > 0 {
			h.Set("Access-Control-Max-Age", strconv.Itoa(c.MaxAge))
		}
		if origin != "*" {
			h.Add("Vary", "Origin")
		}
	}
	w.WriteHeader(http.StatusOK)
}

// CORSHeaders adds the headers of an actual cross-origin request.
func CORSHeaders(w http.ResponseWriter, r *http.Request, c *Cors) {
	origin := allowedOrigin(c, r.Header.Get("Origin"))
	if origin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if origin != "*" {
		h.Add("Vary", "Origin")
	}
}
