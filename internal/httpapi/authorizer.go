package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"gust/internal/invoke"
	"gust/internal/policy"
)

// Outcomes of a Lambda authorizer that are not an allow.
var (
	errUnauthorized = errors.New("identity source missing") // 401
	errForbidden    = errors.New("authorizer denied")       // 403
)

// verdict is what an authorizer allowed, with the context it passes on.
type verdict struct {
	context     map[string]any
	principalID string
}

// cache holds allowed and denied verdicts per authorizer and identity for
// the authorizer's TTL. Entries expire lazily; it is bounded.
type cache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	v       *verdict // nil: denied
	expires time.Time
}

const maxCacheEntries = 10000

func (c *cache) get(key string, now time.Time) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if ok && now.After(e.expires) {
		delete(c.entries, key)
		return cacheEntry{}, false
	}
	return e, ok
}

func (c *cache) put(key string, e cacheEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cacheEntry{}
	}
	if len(c.entries) >= maxCacheEntries {
		for k, old := range c.entries {
			if now.After(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCacheEntries {
			clear(c.entries)
		}
	}
	c.entries[key] = e
}

// identity resolves an authorizer's identity sources for q; ok is false
// when one is missing or empty (API Gateway then answers 401 without
// calling the authorizer).
func (q *request) identity(sources []string) ([]string, bool) {
	out := make([]string, 0, len(sources))
	for _, s := range sources {
		var v string
		switch {
		case strings.HasPrefix(s, "$request.header."):
			v = strings.Join(q.r.Header.Values(strings.TrimPrefix(s, "$request.header.")), ",")
		case strings.HasPrefix(s, "$request.querystring."):
			if vs, err := url.ParseQuery(q.r.URL.RawQuery); err == nil {
				v = strings.Join(vs[strings.TrimPrefix(s, "$request.querystring.")], ",")
			}
		case strings.HasPrefix(s, "$stageVariables."):
			v = q.stageVars[strings.TrimPrefix(s, "$stageVariables.")]
		case s == "$context.routeKey":
			v = q.route.RouteKey
		case s == "$context.stage":
			v = q.stage
		case s == "$context.identity.sourceIp":
			v = q.sourceIP
		}
		if v == "" {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// routeARN is the ARN a Lambda authorizer is asked about and its policy
// names: arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<method>/<path>.
func (h *Handler) routeARN(q *request) string {
	return "arn:aws:execute-api:" + h.o.Region + ":" + h.o.AccountID + ":" + q.api.ID + "/" + q.stage + "/" + q.r.Method + q.path
}

// authorize runs the route's Lambda authorizer (or its cached verdict) and
// returns the context it allows with.
func (h *Handler) authorize(ctx context.Context, q *request, au *Authorizer) (*verdict, error) {
	ids, ok := q.identity(au.IdentitySource)
	if !ok {
		return nil, errUnauthorized
	}
	ttl := 0
	if au.AuthorizerResultTTLInSeconds != nil {
		ttl = *au.AuthorizerResultTTLInSeconds
	}
	key := q.api.ID + "\x00" + au.ID + "\x00" + strings.Join(ids, "\x00")
	if ttl > 0 {
		if e, ok := h.cache.get(key, q.now); ok {
			if e.v == nil {
				return nil, errForbidden
			}
			return e.v, nil
		}
	}
	event, err := h.authorizerEvent(q, au, ids)
	if err != nil {
		return nil, err
	}
	fn, qualifier := FunctionOf(au.AuthorizerURI)
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := h.o.Invoker.Invoke(actx, invoke.Request{RequestID: NewID(16), FunctionName: fn, Qualifier: qualifier, Payload: event})
	if err != nil {
		return nil, fmt.Errorf("invoking authorizer %s: %w", au.ID, err)
	}
	if res.FunctionError != "" {
		return nil, fmt.Errorf("authorizer %s failed: %s", au.ID, res.Payload)
	}
	v, err := h.decide(q, au, res.Payload)
	if err != nil && !errors.Is(err, errForbidden) {
		return nil, err
	}
	if ttl > 0 {
		h.cache.put(key, cacheEntry{v: v, expires: q.now.Add(time.Duration(ttl) * time.Second)}, q.now)
	}
	return v, err
}

// decide reads an authorizer's answer: a simple response
// ({"isAuthorized": ..., "context": ...}) when the authorizer enables them,
// else an IAM policy allowing execute-api:Invoke on the route's ARN.
func (h *Handler) decide(q *request, au *Authorizer, payload []byte) (*verdict, error) {
	var res struct {
		IsAuthorized   *bool          `json:"isAuthorized"`
		Context        map[string]any `json:"context"`
		PrincipalID    string         `json:"principalId"`
		PolicyDocument *struct {
			Statement []struct {
				Effect   string
				Action   stringList
				Resource stringList
			}
		} `json:"policyDocument"`
	}
	if err := json.Unmarshal(payload, &res); err != nil {
		return nil, fmt.Errorf("decoding authorizer response: %w", err)
	}
	if au.EnableSimpleResponses && res.IsAuthorized != nil {
		if !*res.IsAuthorized {
			return nil, errForbidden
		}
		return &verdict{context: res.Context}, nil
	}
	if res.PolicyDocument == nil {
		return nil, fmt.Errorf("authorizer response has neither isAuthorized nor policyDocument")
	}
	arn := h.routeARN(q)
	allowed := false
	for _, st := range res.PolicyDocument.Statement {
		if !matchesAny(st.Action, "execute-api:Invoke") || !matchesAny(st.Resource, arn) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return nil, errForbidden
		case "Allow":
			allowed = true
		}
	}
	if !allowed {
		return nil, errForbidden
	}
	return &verdict{context: res.Context, principalID: res.PrincipalID}, nil
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if policy.Glob(p, s) {
			return true
		}
	}
	return false
}

// stringList is a policy element that is a string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("policy element: %w", err)
	}
	*l = many
	return nil
}

// authorizerEvent is the REQUEST authorizer's input: the request's event of
// the authorizer's payload version, with its type, the route's ARN and the
// identity.
func (h *Handler) authorizerEvent(q *request, au *Authorizer, ids []string) ([]byte, error) {
	var base []byte
	var err error
	if au.AuthorizerPayloadFormatVersion == "1.0" {
		base, err = q.eventV1()
	} else {
		base, err = q.eventV2()
	}
	if err != nil {
		return nil, err
	}
	var e map[string]any
	if err := json.Unmarshal(base, &e); err != nil {
		return nil, fmt.Errorf("re-reading event: %w", err)
	}
	e["type"] = "REQUEST"
	delete(e, "body")
	delete(e, "isBase64Encoded")
	if au.AuthorizerPayloadFormatVersion == "1.0" {
		e["methodArn"] = h.routeARN(q)
		e["identitySource"] = strings.Join(ids, ",")
	} else {
		e["routeArn"] = h.routeARN(q)
		e["identitySource"] = ids
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding authorizer event: %w", err)
	}
	return b, nil
}
