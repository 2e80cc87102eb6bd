package control

import (
	"gust/internal/ids"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/store"
)

// A function's resource-based policy (AddPermission, RemovePermission,
// GetPolicy): one per function and one per version or alias, each a list of
// statements and a RevisionId of its own.

// PermissionInput is AddPermissionRequest.
type PermissionInput struct {
	FunctionName          string `json:"-"`
	Qualifier             string `json:"-"`
	StatementId           string
	Action                string
	Principal             string
	SourceArn             string
	SourceAccount         string
	EventSourceToken      string
	RevisionId            string
	PrincipalOrgID        string
	FunctionUrlAuthType   string
	InvokedViaFunctionUrl *bool
}

// Statement is one statement of a policy, stored as the caller gave it;
// Render writes it as AWS does.
type Statement struct {
	Sid                   string `json:"sid"`
	Action                string `json:"action"`
	Principal             string `json:"principal"`
	Resource              string `json:"resource"`
	SourceArn             string `json:"sourceArn,omitempty"`
	SourceAccount         string `json:"sourceAccount,omitempty"`
	EventSourceToken      string `json:"eventSourceToken,omitempty"`
	PrincipalOrgID        string `json:"principalOrgId,omitempty"`
	FunctionUrlAuthType   string `json:"functionUrlAuthType,omitempty"`
	InvokedViaFunctionUrl bool   `json:"invokedViaFunctionUrl,omitempty"`
}

// Policy is the stored policy of a function or qualifier.
type Policy struct {
	Statements []Statement `json:"statements"`
	RevisionID string      `json:"revisionId"`
}

// Patterns from botocore's model of AddPermission.
var (
	statementIDPattern = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	actionPattern      = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	principalPattern   = regexp.MustCompile(`^[^\s]+$`)
	accountPattern     = regexp.MustCompile(`^\d{12}$`)
	orgIDPattern       = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	servicePrincipal   = regexp.MustCompile(`^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`)
	iamARNPattern      = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:.+$`)
)

// policyTarget resolves a FunctionName and Qualifier to the key of its
// policy and the ARN its statements name.
func (s *Service) policyTarget(ctx context.Context, ref, qualifier string) (key, resource string, err error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", "", err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return "", "", err
	}
	if q == Latest {
		return "", "", apierror.InvalidParameter("We currently do not support adding policies for $LATEST.")
	}
	if q == "" {
		if _, err := s.load(ctx, r.name); err != nil {
			return "", "", err
		}
		return r.name, s.FunctionARN(r.name), nil
	}
	if err := s.qualifierExists(ctx, r.name, q); err != nil {
		return "", "", err
	}
	return r.name + "." + q, s.FunctionARN(r.name) + ":" + q, nil
}

// AddPermission adds a statement to a function's (or qualifier's) policy
// and returns it.
func (s *Service) AddPermission(ctx context.Context, in PermissionInput) (Statement, error) {
	if err := validatePermission(in); err != nil {
		return Statement{}, err
	}
	key, resource, err := s.policyTarget(ctx, in.FunctionName, in.Qualifier)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{
		Sid: in.StatementId, Action: in.Action, Principal: in.Principal, Resource: resource,
		SourceArn: in.SourceArn, SourceAccount: in.SourceAccount, EventSourceToken: in.EventSourceToken,
		PrincipalOrgID: in.PrincipalOrgID, FunctionUrlAuthType: in.FunctionUrlAuthType,
		InvokedViaFunctionUrl: in.InvokedViaFunctionUrl != nil && *in.InvokedViaFunctionUrl,
	}
	err = s.changePolicy(ctx, key, in.RevisionId, func(p *Policy) error {
		for _, old := range p.Statements {
			if old.Sid == st.Sid {
				return apierror.Conflict("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", st.Sid)
			}
		}
		p.Statements = append(p.Statements, st)
		return nil
	})
	return st, err
}

// RemovePermission removes a statement.
func (s *Service) RemovePermission(ctx context.Context, ref, qualifier, sid, revisionID string) error {
	key, _, err := s.policyTarget(ctx, ref, qualifier)
	if err != nil {
		return err
	}
	return s.changePolicy(ctx, key, revisionID, func(p *Policy) error {
		if len(p.Statements) == 0 {
			return apierror.NotFound("No policy is associated with the given resource.")
		}
		for i, old := range p.Statements {
			if old.Sid == sid {
				p.Statements = append(p.Statements[:i], p.Statements[i+1:]...)
				return nil
			}
		}
		return apierror.NotFound("Statement %s is not found in resource policy.", sid)
	})
}

// GetPolicy returns a function's (or qualifier's) policy.
func (s *Service) GetPolicy(ctx context.Context, ref, qualifier string) (Policy, error) {
	key, _, err := s.policyTarget(ctx, ref, qualifier)
	if err != nil {
		return Policy{}, err
	}
	p, _, err := s.loadPolicy(ctx, key)
	if err != nil {
		return Policy{}, err
	}
	if len(p.Statements) == 0 {
		return Policy{}, apierror.NotFound("The resource you requested does not exist.")
	}
	return p, nil
}

// PolicyOf returns the statements of the policy of function name (or of
// its qualifier), none when it has no policy; for enforcement.
func (s *Service) PolicyOf(ctx context.Context, name, qualifier string) ([]Statement, error) {
	key := name
	if qualifier != "" {
		key += "." + qualifier
	}
	p, _, err := s.loadPolicy(ctx, key)
	return p.Statements, err
}

func (s *Service) loadPolicy(ctx context.Context, key string) (Policy, uint64, error) {
	if s.policies == nil {
		return Policy{}, 0, nil
	}
	rec, err := s.policies.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return Policy{}, 0, nil
	}
	if err != nil {
		return Policy{}, 0, fmt.Errorf("loading policy %s: %w", key, err)
	}
	var p Policy
	if err := json.Unmarshal(rec.Value, &p); err != nil {
		return Policy{}, 0, fmt.Errorf("decoding policy %s: %w", key, err)
	}
	return p, rec.Revision, nil
}

// changePolicy applies change with compare-and-swap; revisionID, when
// given, must be the policy's current one.
func (s *Service) changePolicy(ctx context.Context, key, revisionID string, change func(*Policy) error) error {
	if s.policies == nil {
		return apierror.Service("resource-based policies are not configured on this server")
	}
	for {
		p, rev, err := s.loadPolicy(ctx, key)
		if err != nil {
			return err
		}
		if revisionID != "" && revisionID != p.RevisionID {
			return apierror.PreconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
		}
		if err := change(&p); err != nil {
			return err
		}
		p.RevisionID = ids.UUID()
		switch {
		case len(p.Statements) == 0:
			err = s.policies.Delete(ctx, key, rev)
		case rev == 0:
			_, err = s.policies.Create(ctx, key, mustJSON(p))
		default:
			_, err = s.policies.Update(ctx, key, mustJSON(p), rev)
		}
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) {
			continue
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("storing policy %s: %w", key, err)
		}
		return nil
	}
}

func validatePermission(in PermissionInput) error {
	switch {
	case in.StatementId == "":
		return validationError("null", "statementId", "Member must not be null")
	case len(in.StatementId) > 100:
		return validationError(in.StatementId, "statementId", "Member must have length less than or equal to 100")
	case !statementIDPattern.MatchString(in.StatementId):
		return validationError(in.StatementId, "statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
	case in.Action == "":
		return validationError("null", "action", "Member must not be null")
	case !actionPattern.MatchString(in.Action):
		return validationError(in.Action, "action", "Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])")
	case in.Principal == "":
		return validationError("null", "principal", "Member must not be null")
	case !principalPattern.MatchString(in.Principal):
		return validationError(in.Principal, "principal", "Member must satisfy regular expression pattern: [^\\s]+")
	case in.SourceAccount != "" && !accountPattern.MatchString(in.SourceAccount):
		return validationError(in.SourceAccount, "sourceAccount", "Member must satisfy regular expression pattern: \\d{12}")
	case in.PrincipalOrgID != "" && !orgIDPattern.MatchString(in.PrincipalOrgID):
		return validationError(in.PrincipalOrgID, "principalOrgID", "Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}")
	case in.FunctionUrlAuthType != "" && in.FunctionUrlAuthType != "NONE" && in.FunctionUrlAuthType != "AWS_IAM":
		return validationError(in.FunctionUrlAuthType, "functionUrlAuthType", "Member must satisfy enum value set: [NONE, AWS_IAM]")
	}
	p := in.Principal
	if p != "*" && !accountPattern.MatchString(p) && !servicePrincipal.MatchString(p) && !iamARNPattern.MatchString(p) {
		return apierror.InvalidParameter("The provided principal was invalid. Please check the principal and try again.")
	}
	return nil
}

// Render writes st as AWS's GetPolicy and AddPermission show it: the keys
// in AWS's order, the principal in its policy form, the conditions under
// their operators.
func (st Statement) Render() json.RawMessage {
	var b bytes.Buffer
	field := func(k string, v any) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('{')
	field("Sid", st.Sid)
	field("Effect", "Allow")
	field("Principal", st.principal())
	field("Action", st.Action)
	field("Resource", st.Resource)
	if cond := st.conditions(); cond != nil {
		b.WriteString(`,"Condition":`)
		b.Write(cond)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// principal is the principal in policy form: "*", a service, or an AWS
// account or ARN.
func (st Statement) principal() any {
	switch p := st.Principal; {
	case p == "*":
		return "*"
	case accountPattern.MatchString(p):
		return map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}
	case strings.HasPrefix(p, "arn:"):
		return map[string]string{"AWS": p}
	default:
		return map[string]string{"Service": p}
	}
}

// conditions renders the statement's conditions, StringEquals before
// ArnLike and each operator's keys in AWS's order; nil when none.
func (st Statement) conditions() json.RawMessage {
	var eq []string
	pair := func(k, v string) string {
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		return string(kb) + ":" + string(vb)
	}
	if st.SourceAccount != "" {
		eq = append(eq, pair("AWS:SourceAccount", st.SourceAccount))
	}
	if st.EventSourceToken != "" {
		eq = append(eq, pair("lambda:EventSourceToken", st.EventSourceToken))
	}
	if st.FunctionUrlAuthType != "" {
		eq = append(eq, pair("lambda:FunctionUrlAuthType", st.FunctionUrlAuthType))
	}
	if st.PrincipalOrgID != "" {
		eq = append(eq, pair("aws:PrincipalOrgID", st.PrincipalOrgID))
	}
	var parts []string
	if len(eq) > 0 {
		parts = append(parts, `"StringEquals":{`+strings.Join(eq, ",")+`}`)
	}
	if st.InvokedViaFunctionUrl {
		parts = append(parts, `"Bool":{"lambda:InvokedViaFunctionUrl":"true"}`)
	}
	if st.SourceArn != "" {
		parts = append(parts, `"ArnLike":{`+pair("AWS:SourceArn", st.SourceArn)+`}`)
	}
	if len(parts) == 0 {
		return nil
	}
	return json.RawMessage("{" + strings.Join(parts, ",") + "}")
}

// RenderPolicy writes a whole policy document as AWS's GetPolicy does.
func RenderPolicy(p Policy) string {
	parts := make([]string, len(p.Statements))
	for i, st := range p.Statements {
		parts[i] = string(st.Render())
	}
	return `{"Version":"2012-10-17","Id":"default","Statement":[` + strings.Join(parts, ",") + `]}`
}

// invokeActionCutover is when AWS began to require, for URLs created from
// then on, lambda:InvokeFunction beside lambda:InvokeFunctionUrl.
var invokeActionCutover = time.Date(2025, time.October, 1, 0, 0, 0, 0, time.UTC)

// AllowsPublicURL reports whether the policy of function name (and
// qualifier) lets anyone invoke its URL whose AuthType is NONE, as AWS
// documents it: a statement allowing principal "*" lambda:InvokeFunctionUrl
// (with FunctionUrlAuthType NONE, or no such condition), and, for URLs
// created from October 2025 on, one allowing it lambda:InvokeFunction.
func (s *Service) AllowsPublicURL(ctx context.Context, name, qualifier string, created time.Time) (bool, error) {
	statements, err := s.PolicyOf(ctx, name, qualifier)
	if err != nil {
		return false, err
	}
	if !grantsPublic(statements, "lambda:InvokeFunctionUrl") {
		return false, nil
	}
	return created.Before(invokeActionCutover) || grantsPublic(statements, "lambda:InvokeFunction"), nil
}

// grantsPublic reports whether a statement allows anyone action through a
// function URL of AuthType NONE.
func grantsPublic(statements []Statement, action string) bool {
	for _, st := range statements {
		if st.Principal != "*" || st.SourceArn != "" || st.SourceAccount != "" || st.PrincipalOrgID != "" || st.EventSourceToken != "" {
			continue
		}
		if st.FunctionUrlAuthType != "" && st.FunctionUrlAuthType != "NONE" {
			continue
		}
		if st.Action == action || st.Action == "lambda:*" || st.Action == "*" {
			return true
		}
	}
	return false
}

// dropPolicy deletes the policy under key, if any.
func (s *Service) dropPolicy(ctx context.Context, key string) error {
	if s.policies == nil {
		return nil
	}
	if err := s.policies.Delete(ctx, key, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting policy %s: %w", key, err)
	}
	return nil
}
