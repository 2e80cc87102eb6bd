package furl

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/ids"
)

// event is Lambda's payload format 2.0 for function URLs.
type event struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        requestContext    `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
}

type requestContext struct {
	AccountID    string      `json:"accountId"`
	APIID        string      `json:"apiId"`
	Authorizer   *authorizer `json:"authorizer,omitempty"`
	DomainName   string      `json:"domainName"`
	DomainPrefix string      `json:"domainPrefix"`
	HTTP         httpContext `json:"http"`
	RequestID    string      `json:"requestId"`
	RouteKey     string      `json:"routeKey"`
	Stage        string      `json:"stage"`
	Time         string      `json:"time"`
	TimeEpoch    int64       `json:"timeEpoch"`
}

type authorizer struct {
	IAM iamAuthorizer `json:"iam"`
}

type iamAuthorizer struct {
	AccessKey string `json:"accessKey"`
	AccountID string `json:"accountId"`
	CallerID  string `json:"callerId"`
	UserARN   string `json:"userArn"`
	UserID    string `json:"userId"`
}

type httpContext struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

func (h *Handler) event(r *http.Request, cfg Config, id, rawPath, reqID string, body []byte, p *sigv4.Principal) ([]byte, error) {
	now := time.Now().UTC()
	sourceIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	e := event{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        rawPath,
		RawQueryString: r.URL.RawQuery,
		RequestContext: requestContext{
			AccountID:    "anonymous",
			APIID:        id,
			DomainName:   h.o.Store.Domain(id),
			DomainPrefix: id,
			HTTP: httpContext{
				Method:    r.Method,
				Path:      rawPath,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
			RequestID: reqID,
			RouteKey:  "$default",
			Stage:     "$default",
			Time:      now.Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch: now.UnixMilli(),
		},
	}
	if p != nil {
		e.RequestContext.AccountID = h.o.AccountID
		e.RequestContext.Authorizer = &authorizer{IAM: iamAuthorizer{
			AccessKey: p.AccessKeyID, AccountID: h.o.AccountID, CallerID: p.AccessKeyID,
			UserARN: "arn:aws:iam::" + h.o.AccountID + ":root", UserID: h.o.AccountID,
		}}
	}
	e.Headers, e.Cookies = Headers(r, sourceIP, now)
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && len(q) > 0 {
		e.QueryStringParameters = map[string]string{}
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e.QueryStringParameters[k] = strings.Join(q[k], ",")
		}
	}
	if len(body) > 0 {
		s := string(body)
		if !IsText(r.Header.Get("Content-Type")) {
			s = base64.StdEncoding.EncodeToString(body)
			e.IsBase64Encoded = true
		}
		e.Body = &s
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding URL event: %w", err)
	}
	return b, nil
}

// Headers are the request's headers as Lambda's HTTP events carry them:
// lower-case names, repeated values joined by commas, the Cookie header
// split into cookies, and the X-Forwarded-* and X-Amzn-Trace-Id headers
// the AWS front end adds.
func Headers(r *http.Request, sourceIP string, now time.Time) (headers map[string]string, cookies []string) {
	headers = map[string]string{}
	for name, values := range r.Header {
		lower := strings.ToLower(name)
		if lower == "cookie" {
			for _, v := range values {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lower] = strings.Join(values, ",")
	}
	headers["host"] = r.Host
	if _, ok := headers["x-forwarded-for"]; !ok {
		headers["x-forwarded-for"] = sourceIP
	}
	if _, ok := headers["x-forwarded-proto"]; !ok {
		headers["x-forwarded-proto"] = "http"
		if r.TLS != nil {
			headers["x-forwarded-proto"] = "https"
		}
	}
	if _, ok := headers["x-forwarded-port"]; !ok {
		if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if _, port, err := net.SplitHostPort(addr.String()); err == nil {
				headers["x-forwarded-port"] = port
			}
		}
	}
	if _, ok := headers["x-amzn-trace-id"]; !ok {
		headers["x-amzn-trace-id"] = "Root=" + ids.TraceID(now)
	}
	return headers, cookies
}

// IsText reports whether a body of this content type travels as text; as
// on Lambda, anything else is base64.
func IsText(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/xml", strings.HasSuffix(mt, "+xml"),
		mt == "application/javascript", mt == "application/x-www-form-urlencoded":
		return true
	}
	return false
}
