package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"gust/internal/objects"
)

type corsConfiguration struct {
	XMLName xml.Name           `xml:"CORSConfiguration"`
	NS      string             `xml:"xmlns,attr,omitempty"`
	Rules   []objects.CORSRule `xml:"CORSRule"`
}

func putBucketCORS(h *Handler, req *request) error {
	var in corsConfiguration
	expect, err := expectFrom(req)
	if err != nil {
		return err
	}
	body, err := objects.Checked(req.body, expect)
	if err != nil {
		return err
	}
	if _, err := readXML(body, &in, true); err != nil {
		return err
	}
	if len(in.Rules) == 0 {
		return malformedXML()
	}
	if err := h.o.Objects.PutBucketCORS(req.ctx, req.bucket, in.Rules); err != nil {
		return err
	}
	req.w.WriteHeader(http.StatusOK)
	return nil
}

func getBucketCORS(h *Handler, req *request) error {
	rules, err := h.o.Objects.GetBucketCORS(req.ctx, req.bucket)
	if err != nil {
		return err
	}
	return writeXML(req, http.StatusOK, corsConfiguration{NS: xmlns, Rules: rules})
}

func deleteBucketCORS(h *Handler, req *request) error {
	if err := h.o.Objects.PutBucketCORS(req.ctx, req.bucket, nil); err != nil {
		return err
	}
	return noContent(req)
}

// preflight answers a browser's OPTIONS request from the bucket's CORS
// rules, unauthenticated as S3 does.
func (h *Handler) preflight(req *request) {
	origin := req.r.Header.Get("Origin")
	method := req.r.Header.Get("Access-Control-Request-Method")
	if origin == "" || method == "" {
		h.writeError(req, s3Err(http.StatusBadRequest, "BadRequest", "Insufficient information. Origin request header needed."))
		return
	}
	b, err := h.o.Objects.Bucket(req.ctx, req.bucket)
	if err != nil {
		h.writeError(req, err)
		return
	}
	var headers []string
	for _, hdr := range strings.Split(req.r.Header.Get("Access-Control-Request-Headers"), ",") {
		if hdr = strings.ToLower(strings.TrimSpace(hdr)); hdr != "" {
			headers = append(headers, hdr)
		}
	}
	for _, rule := range b.CORS {
		if !matchAny(rule.AllowedOrigins, origin) || !contains(rule.AllowedMethods, method) {
			continue
		}
		ok := true
		for _, hd := range headers {
			ok = ok && matchAny(rule.AllowedHeaders, hd)
		}
		if !ok {
			continue
		}
		out := req.w.Header()
		out.Set("Access-Control-Allow-Origin", origin)
		if contains(rule.AllowedOrigins, "*") {
			out.Set("Access-Control-Allow-Origin", "*")
		}
		out.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ", "))
		if len(headers) > 0 {
			out.Set("Access-Control-Allow-Headers", strings.Join(headers, ", "))
		}
		if len(rule.ExposeHeaders) > 0 {
			out.Set("Access-Control-Expose-Headers", strings.Join(rule.ExposeHeaders, ", "))
		}
		if rule.MaxAgeSeconds != nil {
			out.Set("Access-Control-Max-Age", strconv.Itoa(*rule.MaxAgeSeconds))
		}
		out.Set("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
		req.w.WriteHeader(http.StatusOK)
		return
	}
	h.writeError(req, s3Err(http.StatusForbidden, "AccessForbidden", "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."))
}

// matchAny matches v against patterns with at most one '*' wildcard each,
// case-insensitively as S3 does for headers.
func matchAny(patterns []string, v string) bool {
	for _, p := range patterns {
		pre, suf, wild := strings.Cut(strings.ToLower(p), "*")
		lv := strings.ToLower(v)
		if (!wild && pre == lv) || (wild && len(lv) >= len(pre)+len(suf) && strings.HasPrefix(lv, pre) && strings.HasSuffix(lv, suf)) {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
