package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"gust/internal/furl"
)

// request is what both payload formats are built from.
type request struct {
	r          *http.Request
	api        *API
	stage      string
	stageVars  map[string]string
	route      *Route
	params     map[string]string
	rawPath    string // as received, stage prefix included
	path       string // relative to the stage
	domain     string
	requestID  string
	sourceIP   string
	accountID  string
	body       []byte
	now        time.Time
	authorizer map[string]any // the authorizer's context, if any
}

// eventV2 is API Gateway's payload format 2.0.
type eventV2 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        contextV2         `json:"requestContext"`
	Body                  *string           `json:"body,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
}

type contextV2 struct {
	AccountID    string         `json:"accountId"`
	APIID        string         `json:"apiId"`
	Authorizer   map[string]any `json:"authorizer,omitempty"`
	DomainName   string         `json:"domainName"`
	DomainPrefix string         `json:"domainPrefix"`
	HTTP         httpV2         `json:"http"`
	RequestID    string         `json:"requestId"`
	RouteKey     string         `json:"routeKey"`
	Stage        string         `json:"stage"`
	Time         string         `json:"time"`
	TimeEpoch    int64          `json:"timeEpoch"`
}

type httpV2 struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// eventV1 is API Gateway's payload format 1.0 (the REST API proxy event).
type eventV1 struct {
	Version                         string              `json:"version"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	RequestContext                  contextV1           `json:"requestContext"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type contextV1 struct {
	AccountID         string         `json:"accountId"`
	APIID             string         `json:"apiId"`
	Authorizer        map[string]any `json:"authorizer,omitempty"`
	DomainName        string         `json:"domainName"`
	DomainPrefix      string         `json:"domainPrefix"`
	ExtendedRequestID string         `json:"extendedRequestId"`
	HTTPMethod        string         `json:"httpMethod"`
	Identity          identityV1     `json:"identity"`
	Path              string         `json:"path"`
	Protocol          string         `json:"protocol"`
	RequestID         string         `json:"requestId"`
	RequestTime       string         `json:"requestTime"`
	RequestTimeEpoch  int64          `json:"requestTimeEpoch"`
	ResourceID        string         `json:"resourceId"`
	ResourcePath      string         `json:"resourcePath"`
	Stage             string         `json:"stage"`
}

type identityV1 struct {
	AccessKey                     *string `json:"accessKey"`
	AccountID                     *string `json:"accountId"`
	Caller                        *string `json:"caller"`
	CognitoAmr                    *string `json:"cognitoAmr"`
	CognitoAuthenticationProvider *string `json:"cognitoAuthenticationProvider"`
	CognitoAuthenticationType     *string `json:"cognitoAuthenticationType"`
	CognitoIdentityID             *string `json:"cognitoIdentityId"`
	CognitoIdentityPoolID         *string `json:"cognitoIdentityPoolId"`
	PrincipalOrgID                *string `json:"principalOrgId"`
	SourceIP                      string  `json:"sourceIp"`
	User                          *string `json:"user"`
	UserAgent                     string  `json:"userAgent"`
	UserARN                       *string `json:"userArn"`
}

func (q *request) bodyField() (*string, bool) {
	if len(q.body) == 0 {
		return nil, false
	}
	if furl.IsText(q.r.Header.Get("Content-Type")) {
		s := string(q.body)
		return &s, false
	}
	s := base64.StdEncoding.EncodeToString(q.body)
	return &s, true
}

func (q *request) query() url.Values {
	v, err := url.ParseQuery(q.r.URL.RawQuery)
	if err != nil || len(v) == 0 {
		return nil
	}
	return v
}

func (q *request) eventV2() ([]byte, error) {
	headers, cookies := furl.Headers(q.r, q.sourceIP, q.now)
	e := eventV2{
		Version: "2.0", RouteKey: q.route.RouteKey, RawPath: q.rawPath, RawQueryString: q.r.URL.RawQuery,
		Cookies: cookies, Headers: headers, PathParameters: q.params, StageVariables: q.stageVars,
		RequestContext: contextV2{
			AccountID: q.accountID, APIID: q.api.ID, Authorizer: q.authorizer, DomainName: q.domain,
			DomainPrefix: q.api.ID,
			HTTP:         httpV2{Method: q.r.Method, Path: q.rawPath, Protocol: q.r.Proto, SourceIP: q.sourceIP, UserAgent: q.r.UserAgent()},
			RequestID:    q.requestID, RouteKey: q.route.RouteKey, Stage: q.stage,
			Time: q.now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: q.now.UnixMilli(),
		},
	}
	if v := q.query(); v != nil {
		e.QueryStringParameters = map[string]string{}
		for k, vs := range v {
			e.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	e.Body, e.IsBase64Encoded = q.bodyField()
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding 2.0 event: %w", err)
	}
	return b, nil
}

func (q *request) eventV1() ([]byte, error) {
	headers, cookies := furl.Headers(q.r, q.sourceIP, q.now)
	if len(cookies) > 0 {
		headers["cookie"] = strings.Join(cookies, "; ")
	}
	multi := map[string][]string{}
	for name, values := range q.r.Header {
		multi[strings.ToLower(name)] = append([]string(nil), values...)
	}
	for k, v := range headers {
		if _, ok := multi[k]; !ok {
			multi[k] = []string{v}
		}
	}
	multi["host"] = []string{q.r.Host}
	resource := q.route.RouteKey
	if _, p, err := ParseRouteKey(q.route.RouteKey); err == nil && p != "" {
		resource = p
	}
	e := eventV1{
		Version: "1.0", Resource: resource, Path: q.rawPath, HTTPMethod: q.r.Method,
		Headers: headers, MultiValueHeaders: multi, PathParameters: q.params, StageVariables: q.stageVars,
		RequestContext: contextV1{
			AccountID: q.accountID, APIID: q.api.ID, Authorizer: q.authorizer, DomainName: q.domain, DomainPrefix: q.api.ID,
			ExtendedRequestID: q.requestID, HTTPMethod: q.r.Method,
			Identity: identityV1{SourceIP: q.sourceIP, UserAgent: q.r.UserAgent()},
			Path:     q.rawPath, Protocol: q.r.Proto, RequestID: q.requestID,
			RequestTime: q.now.Format("02/Jan/2006:15:04:05 -0700"), RequestTimeEpoch: q.now.UnixMilli(),
			ResourceID: q.route.RouteKey, ResourcePath: resource, Stage: q.stage,
		},
	}
	if v := q.query(); v != nil {
		e.QueryStringParameters = map[string]string{}
		e.MultiValueQueryStringParameters = map[string][]string{}
		for k, vs := range v {
			e.QueryStringParameters[k] = vs[len(vs)-1]
			e.MultiValueQueryStringParameters[k] = vs
		}
	}
	e.Body, e.IsBase64Encoded = q.bodyField()
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding 1.0 event: %w", err)
	}
	return b, nil
}
