package topics

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"gust/internal/eventpattern"
)

// SNS's limits on a filter policy.
const (
	maxFilterKeys         = 5
	maxFilterCombinations = 150
	maxFilterPolicyBytes  = 256 * 1024
)

// compileFilterPolicy checks a filter policy as SNS does and compiles it;
// "{}" is no policy (nil).
func compileFilterPolicy(policy, scope string) (*eventpattern.Pattern, error) {
	if len(policy) > maxFilterPolicyBytes {
		return nil, invalid("Invalid parameter: FilterPolicy: Filter policy is too long")
	}
	if strings.TrimSpace(policy) == "{}" {
		return nil, nil
	}
	var doc any
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return nil, invalid("Invalid parameter: FilterPolicy: failed to parse JSON.")
	}
	if op := unsupportedOperator(doc); op != "" {
		return nil, invalid("Invalid parameter: FilterPolicy: Unrecognized match type %s", op)
	}
	p, err := eventpattern.Compile([]byte(policy))
	if err != nil {
		var pe *eventpattern.Error
		if errors.As(err, &pe) {
			return nil, invalid("Invalid parameter: FilterPolicy: %s", pe.Reason)
		}
		return nil, err
	}
	if scope != "MessageBody" && p.Nested() {
		return nil, invalid("Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy")
	}
	if len(p.Keys()) > maxFilterKeys {
		return nil, invalid("Invalid parameter: FilterPolicy: Filter policy can not have more than %d keys", maxFilterKeys)
	}
	if p.Combinations() > maxFilterCombinations {
		return nil, invalid("Invalid parameter: FilterPolicy: Filter policy is too complex")
	}
	return p, nil
}

// unsupportedOperator finds an event-pattern operator SNS does not accept
// (wildcard).
func unsupportedOperator(v any) string {
	switch t := v.(type) {
	case map[string]any:
		for k, el := range t {
			if k == "wildcard" {
				return k
			}
			if op := unsupportedOperator(el); op != "" {
				return op
			}
		}
	case []any:
		for _, el := range t {
			if op := unsupportedOperator(el); op != "" {
				return op
			}
		}
	}
	return ""
}

// filterEvent is what a subscription's filter policy looks at: the
// message attributes (String, Number and the elements of String.Array;
// Binary is never matched), or the message body when it is a JSON object.
func filterEvent(scope string, m *Message, body string) *eventpattern.Event {
	if scope == "MessageBody" {
		e, err := eventpattern.ParseEvent([]byte(body))
		if err != nil {
			return eventpattern.EventOf(nil)
		}
		return e
	}
	fields := map[string][]eventpattern.Value{}
	for name, a := range m.Attributes {
		switch {
		case a.Type == "Number" || strings.HasPrefix(a.Type, "Number."):
			fields[name] = []eventpattern.Value{eventpattern.NumberValue(a.Value)}
		case a.Type == "String.Array":
			dec := json.NewDecoder(bytes.NewReader([]byte(a.Value)))
			dec.UseNumber()
			var arr []any
			if dec.Decode(&arr) != nil {
				continue
			}
			for _, el := range arr {
				switch x := el.(type) {
				case string:
					fields[name] = append(fields[name], eventpattern.StringValue(x))
				case json.Number:
					fields[name] = append(fields[name], eventpattern.NumberValue(string(x)))
				}
			}
		case a.Type == "String" || strings.HasPrefix(a.Type, "String."):
			fields[name] = []eventpattern.Value{eventpattern.StringValue(a.Value)}
		}
	}
	return eventpattern.EventOf(fields)
}

type compiled struct {
	p   *eventpattern.Pattern
	err error
}

// maxCachedPolicies bounds the compiled filter policies kept in memory.
const maxCachedPolicies = 4096

// matches reports whether sub wants m.
func (s *Service) matches(sub *Subscription, m *Message) bool {
	policy := sub.Attributes["FilterPolicy"]
	if policy == "" {
		return true
	}
	scope := sub.Attributes["FilterPolicyScope"]
	key := scope + "\x00" + policy
	s.mu.Lock()
	c, ok := s.policies[key]
	s.mu.Unlock()
	if !ok {
		p, err := compileFilterPolicy(policy, scope)
		c = &compiled{p: p, err: err}
		s.mu.Lock()
		if s.policies == nil || len(s.policies) >= maxCachedPolicies {
			s.policies = map[string]*compiled{}
		}
		s.policies[key] = c
		s.mu.Unlock()
	}
	if c.err != nil || c.p == nil {
		return c.err == nil
	}
	return c.p.MatchEvent(filterEvent(scope, m, m.bodyFor(sub.Protocol)))
}
