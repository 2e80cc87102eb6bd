package layers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"gust/internal/apierror"
	"gust/internal/ids"
	"gust/internal/store"
)

// Policy is a layer version's resource-based policy.
type Policy struct {
	Statements []Statement `json:"statements,omitempty"`
	RevisionID string      `json:"revisionId,omitempty"`
}

// Statement is one AddLayerVersionPermission grant.
type Statement struct {
	Sid            string `json:"sid"`
	Principal      string `json:"principal"`
	OrganizationID string `json:"organizationId,omitempty"`
}

// PermissionInput is AddLayerVersionPermissionRequest.
type PermissionInput struct {
	StatementId    string
	Action         string
	Principal      string
	OrganizationId string
	RevisionId     string `json:"-"` // from the query string
}

// The only action a layer version grants, and botocore's patterns.
const getLayerVersion = "lambda:GetLayerVersion"

var (
	sidPattern       = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	principalPattern = regexp.MustCompile(`^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$`)
	orgPattern       = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

func (in PermissionInput) validate() error {
	switch {
	case in.StatementId == "" || len(in.StatementId) > 100 || !sidPattern.MatchString(in.StatementId):
		return validationError(in.StatementId, "statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)")
	case in.Action != getLayerVersion:
		return validationError(in.Action, "action", "Member must satisfy regular expression pattern: lambda:GetLayerVersion")
	case !principalPattern.MatchString(in.Principal):
		return validationError(in.Principal, "principal", `Member must satisfy regular expression pattern: \d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root`)
	case in.OrganizationId != "" && !orgPattern.MatchString(in.OrganizationId):
		return validationError(in.OrganizationId, "organizationId", "Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}")
	}
	return nil
}

// AddPermission adds a statement to version n's policy and returns the
// statement as AWS renders it and the policy's new RevisionId.
func (s *Service) AddPermission(ctx context.Context, ref string, n int64, in PermissionInput) (string, string, error) {
	if err := in.validate(); err != nil {
		return "", "", err
	}
	var added Statement
	v, err := s.changePolicy(ctx, ref, n, in.RevisionId, func(p *Policy) error {
		for _, st := range p.Statements {
			if st.Sid == in.StatementId {
				return apierror.New("ResourceConflictException", "The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", in.StatementId)
			}
		}
		added = Statement{Sid: in.StatementId, Principal: in.Principal, OrganizationID: in.OrganizationId}
		p.Statements = append(p.Statements, added)
		return nil
	})
	if err != nil {
		return "", "", err
	}
	doc, err := json.Marshal(s.render(v, added))
	if err != nil {
		return "", "", err
	}
	return string(doc), v.Policy.RevisionID, nil
}

// RemovePermission removes statement sid from version n's policy.
func (s *Service) RemovePermission(ctx context.Context, ref string, n int64, sid, revisionID string) error {
	_, err := s.changePolicy(ctx, ref, n, revisionID, func(p *Policy) error {
		for i, st := range p.Statements {
			if st.Sid == sid {
				p.Statements = append(p.Statements[:i], p.Statements[i+1:]...)
				return nil
			}
		}
		return apierror.NotFound("Statement %s is not found in resource policy.", sid)
	})
	return err
}

// GetPolicy returns version n's policy document as AWS renders it and its
// RevisionId.
func (s *Service) GetPolicy(ctx context.Context, ref string, n int64) (string, string, error) {
	v, err := s.Get(ctx, ref, n)
	if err != nil {
		return "", "", err
	}
	if len(v.Policy.Statements) == 0 {
		return "", "", apierror.NotFound("No policy is associated with the given resource.")
	}
	statements := make([]renderedStatement, 0, len(v.Policy.Statements))
	for _, st := range v.Policy.Statements {
		statements = append(statements, s.render(v, st))
	}
	doc, err := json.Marshal(policyDocument{Version: "2012-10-17", Id: "default", Statement: statements})
	if err != nil {
		return "", "", err
	}
	return string(doc), v.Policy.RevisionID, nil
}

// changePolicy applies change to version n's policy with a
// compare-and-swap, checking revisionID when given.
func (s *Service) changePolicy(ctx context.Context, ref string, n int64, revisionID string, change func(*Policy) error) (Version, error) {
	name, err := s.ParseName(ref)
	if err != nil {
		return Version{}, err
	}
	for range 100 {
		v, err := s.load(ctx, name, n)
		if err != nil {
			return Version{}, err
		}
		if revisionID != "" && revisionID != v.Policy.RevisionID {
			return Version{}, apierror.New("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id")
		}
		if err := change(&v.Policy); err != nil {
			return Version{}, err
		}
		v.Policy.RevisionID = ids.UUID()
		data, err := json.Marshal(v)
		if err != nil {
			return Version{}, err
		}
		rev, err := s.table.Update(ctx, versionKey(name, n), data, v.revision)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if errors.Is(err, store.ErrNotFound) {
			return Version{}, apierror.NotFound("The resource you requested does not exist.")
		}
		if err != nil {
			return Version{}, fmt.Errorf("storing the policy of layer %s version %d: %w", name, n, err)
		}
		v.revision = rev
		return v, nil
	}
	return Version{}, apierror.New("TooManyRequestsException", "Too many concurrent changes to the policy of layer %s version %d.", name, n)
}

type policyDocument struct {
	Version   string
	Id        string
	Statement []renderedStatement
}

type renderedStatement struct {
	Sid       string
	Effect    string
	Principal any
	Action    string
	Resource  string
	Condition map[string]map[string]string `json:",omitempty"`
}

// render writes a statement as AWS shows it: an account is its root ARN.
func (s *Service) render(v Version, st Statement) renderedStatement {
	out := renderedStatement{Sid: st.Sid, Effect: "Allow", Principal: st.Principal, Action: getLayerVersion, Resource: s.VersionARN(v)}
	switch {
	case st.Principal == "*":
	case principalPattern.MatchString(st.Principal) && len(st.Principal) == 12:
		out.Principal = map[string]string{"AWS": "arn:aws:iam::" + st.Principal + ":root"}
	default:
		out.Principal = map[string]string{"AWS": st.Principal}
	}
	if st.OrganizationID != "" {
		out.Condition = map[string]map[string]string{"StringEquals": {"aws:PrincipalOrgID": st.OrganizationID}}
	}
	return out
}
