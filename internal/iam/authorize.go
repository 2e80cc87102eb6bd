package iam

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/authz"
	"gust/internal/policy"
)

// identity is a verified caller as policies see it.
type identity struct {
	arn, userID, username string
	root                  bool // the account root (or an AnyRole function session of a missing role)
	session               bool // a role session
	policies              []*policy.Policy
	// sessionPolicy, when set, bounds a role session: a request must be
	// allowed by it as well as by the role's policies.
	sessionPolicy *policy.Policy
	usesContext   bool // some policy reads condition keys
}

// Authorize implements authz.Authorizer: root may do everything; users and
// role sessions what their policies allow.
func (s *Service) Authorize(ctx context.Context, caller sigv4.Principal, req authz.Request) error {
	if caller.AccessKeyID == s.o.RootAccessKeyID && caller.SessionToken == "" {
		return nil
	}
	id, err := s.identify(ctx, caller)
	if err != nil {
		return err
	}
	return s.authorizeIdentity(id, req.Action, req.Resources, req.Context)
}

// withPolicies sets id's policies and whether any reads the context.
func (id *identity) withPolicies(ps []*policy.Policy) *identity {
	id.policies = ps
	for _, p := range ps {
		if p.UsesContext() {
			id.usesContext = true
		}
	}
	return id
}

func (s *Service) authorizeIdentity(id *identity, action string, resources []string, extra map[string][]string) error {
	if id.root {
		return nil
	}
	var ctx policy.Context
	if id.usesContext {
		ctx = s.conditionContext(id, extra)
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, r := range resources {
		req := policy.Request{Action: action, Resource: r, Context: ctx}
		decision := policy.Evaluate(id.policies, req)
		if id.sessionPolicy != nil && decision == policy.Allowed {
			decision = id.sessionPolicy.Evaluate(req)
			if decision == policy.NotAllowed {
				return &authz.Denied{Principal: id.arn, Action: action, Resource: r,
					Reason: "because no session policy allows the " + action + " action"}
			}
		}
		switch decision {
		case policy.Allowed:
			continue
		case policy.ExplicitlyDenied:
			return &authz.Denied{Principal: id.arn, Action: action, Resource: r, Explicit: true,
				Reason: "with an explicit deny in an identity-based policy"}
		default:
			return &authz.Denied{Principal: id.arn, Action: action, Resource: r,
				Reason: "because no identity-based policy allows the " + action + " action"}
		}
	}
	return nil
}

// conditionContext holds the global condition keys Gust knows.
func (s *Service) conditionContext(id *identity, extra map[string][]string) policy.Context {
	now := s.o.Now().UTC()
	c := policy.Context{
		"aws:currenttime":      {now.Format(time.RFC3339)},
		"aws:epochtime":        {strconv.FormatInt(now.Unix(), 10)},
		"aws:principalarn":     {id.arn},
		"aws:principalaccount": {s.o.AccountID},
		"aws:userid":           {id.userID},
	}
	if id.username != "" {
		c["aws:username"] = []string{id.username}
	}
	for k, v := range extra {
		c.Set(k, v...)
	}
	return c
}

// identify resolves a verified caller to its identity and compiled
// policies, cached until the IAM tables change.
func (s *Service) identify(ctx context.Context, caller sigv4.Principal) (*identity, error) {
	if caller.AccessKeyID == s.o.RootAccessKeyID && caller.SessionToken == "" {
		return &identity{arn: "arn:aws:iam::" + s.o.AccountID + ":root", userID: s.o.AccountID, root: true}, nil
	}
	s.mu.Lock()
	id, ok := s.cache[caller.AccessKeyID]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := s.resolve(ctx, caller)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.gen == gen {
		s.cache[caller.AccessKeyID] = id
	}
	s.mu.Unlock()
	return id, nil
}

func (s *Service) resolve(ctx context.Context, caller sigv4.Principal) (*identity, error) {
	if caller.SessionToken != "" {
		sess, _, ok := s.sessions.open(caller.AccessKeyID, caller.SessionToken)
		if !ok {
			return nil, fmt.Errorf("identifying %s: %w", caller.AccessKeyID, sigv4.ErrTokenInvalid)
		}
		id := &identity{arn: sess.arn(s.o.AccountID), session: true}
		role, found, err := getEntity(ctx, s.tables.Roles, sess.roleName())
		if err != nil {
			return nil, err
		}
		switch {
		case found && (sess.RoleID == role.ID || sess.Account):
			id.userID = role.ID + ":" + sess.Name
			pols, err := s.entityPolicies(ctx, role)
			if err != nil {
				return nil, err
			}
			id.withPolicies(pols)
			if sess.Policy != "" {
				if id.sessionPolicy, err = policy.Parse(sess.Policy, policy.Identity); err != nil {
					return nil, fmt.Errorf("compiling the session policy of %s: %w", id.arn, err)
				}
				id.usesContext = id.usesContext || id.sessionPolicy.UsesContext()
			}
		case sess.Account: // AnyRole: a function whose role does not exist
			id.userID, id.root = "AROA"+strings.Repeat("X", 17)+":"+sess.Name, true
		}
		return id, nil
	}
	k, ok := s.userKey(ctx, caller.AccessKeyID)
	if !ok {
		return nil, fmt.Errorf("identifying %s: %w", caller.AccessKeyID, sigv4.ErrTokenInvalid)
	}
	user, found, err := getEntity(ctx, s.tables.Users, k.UserName)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("identifying %s: %w", caller.AccessKeyID, sigv4.ErrTokenInvalid)
	}
	pols, err := s.entityPolicies(ctx, user)
	if err != nil {
		return nil, err
	}
	return (&identity{arn: user.ARN, userID: user.ID, username: user.Name}).withPolicies(pols), nil
}

// entityPolicies compiles a role's or user's inline and attached policies.
func (s *Service) entityPolicies(ctx context.Context, e entity) ([]*policy.Policy, error) {
	var out []*policy.Policy
	for name, doc := range e.Inline {
		p, err := policy.Parse(doc, policy.Identity)
		if err != nil {
			return nil, fmt.Errorf("compiling policy %s of %s: %w", name, e.Name, err)
		}
		out = append(out, p)
	}
	for _, arn := range e.Attached {
		p, ok, err := s.compiledPolicy(ctx, arn)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *Service) trustPolicy(role entity) (*policy.Policy, error) {
	p, err := policy.Parse(role.AssumeRolePolicyDocument, policy.Trust)
	if err != nil {
		return nil, fmt.Errorf("compiling trust policy of %s: %w", role.Name, err)
	}
	return p, nil
}
