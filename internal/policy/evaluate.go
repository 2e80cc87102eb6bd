package policy

import "strings"

// Request is what is asked of a set of policies.
type Request struct {
	// Action is "service:Operation"; matched case-insensitively.
	Action string
	// Resource is the ARN acted on, "*" for none.
	Resource string
	// Context holds the condition keys (aws:SourceIp, aws:username, ...).
	Context Context
}

// Decision is the outcome of evaluating policies.
type Decision int

const (
	// NotAllowed: no statement allows the request (AWS's implicit deny).
	NotAllowed Decision = iota
	// Allowed: a statement allows it and none denies it.
	Allowed
	// ExplicitlyDenied: a Deny statement matches.
	ExplicitlyDenied
)

// Evaluate applies AWS's identity-based evaluation to policies: any
// matching Deny wins, else any matching Allow allows, else the request is
// not allowed.
func Evaluate(policies []*Policy, r Request) Decision {
	action := strings.ToLower(r.Action)
	allowed := false
	for _, p := range policies {
		for i := range p.Statements {
			s := &p.Statements[i]
			if !s.Deny && allowed {
				continue // an Allow is already found; only a Deny can change it
			}
			if !s.appliesTo(action, r.Resource, r.Context) {
				continue
			}
			if s.Deny {
				return ExplicitlyDenied
			}
			allowed = true
		}
	}
	if allowed {
		return Allowed
	}
	return NotAllowed
}

// Evaluate is Evaluate of this one policy.
func (p *Policy) Evaluate(r Request) Decision { return Evaluate([]*Policy{p}, r) }

// appliesTo reports whether the statement's Action, Resource and
// Condition all match; action is already lowercase.
func (s *Statement) appliesTo(action, resource string, ctx Context) bool {
	if anyMatch(s.Actions, action, ctx) == s.NotAction {
		return false
	}
	if len(s.Resources) > 0 && anyMatch(s.Resources, resource, ctx) == s.NotResource {
		return false
	}
	for _, c := range s.Conditions {
		if !c.holds(ctx) {
			return false
		}
	}
	return true
}

func anyMatch(ps []pattern, s string, ctx Context) bool {
	for _, p := range ps {
		if p.matches(s, ctx) {
			return true
		}
	}
	return false
}

// Trusts reports whether a trust policy lets principal assume the role:
// principalType is "AWS" (principal an IAM ARN; the account id and its
// root ARN match too) or "Service" (principal a service name such as
// lambda.amazonaws.com). action is "sts:AssumeRole".
func (p *Policy) Trusts(principalType, principal, account, action string, ctx Context) bool {
	action = strings.ToLower(action)
	allowed := false
	for i := range p.Statements {
		s := &p.Statements[i]
		if s.principalMatches(principalType, principal, account) == s.NotPrincipal {
			continue
		}
		if !s.appliesTo(action, "*", ctx) {
			continue
		}
		if s.Deny {
			return false
		}
		allowed = true
	}
	return allowed
}

func (s *Statement) principalMatches(typ, principal, account string) bool {
	if s.Principals.Any {
		return true
	}
	for _, id := range s.Principals.ByType[typ] {
		switch {
		case id == "*" || id == principal:
			return true
		case typ == "AWS" && account != "" && (id == account || id == "arn:aws:iam::"+account+":root"):
			// The account as principal delegates to the account's own
			// identity policies: every principal of that account.
			return strings.Contains(principal, ":"+account+":")
		}
	}
	return false
}
