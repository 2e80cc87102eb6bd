package iam

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"gust/internal/policy"
	"gust/internal/store"
)

// Policy is a managed policy: AWS's (embedded) or the account's own.
type Policy struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	ID          string    `json:"id"`
	ARN         string    `json:"arn"`
	Description string    `json:"description,omitempty"`
	Document    string    `json:"document"`
	VersionID   string    `json:"versionId"`
	CreateDate  time.Time `json:"createDate"`
	UpdateDate  time.Time `json:"updateDate"`
	Tags        []Tag     `json:"tags,omitempty"`
	// AttachmentCount is computed when read.
	AttachmentCount int `json:"-"`
	// AWSManaged marks AWS's policies (Scope AWS).
	AWSManaged bool `json:"-"`
}

// Quotas, as AWS's defaults.
const (
	maxManagedPolicySize = 6144
	maxRoleInlineSize    = 10240 // all of a role's inline policies together
	maxUserInlineSize    = 2048  // all of a user's inline policies together
	maxAttached          = 10
	maxAccessKeys        = 2
)

//go:embed managed/policies.json
var managedJSON []byte

// awsManaged are AWS's managed policies Gust knows, by ARN, with their
// documents compiled once.
var awsManaged, awsCompiled = loadManaged()

func loadManaged() (map[string]Policy, map[string]*policy.Policy) {
	var list []struct {
		Name, Path, VersionID, CreateDate string
		Document                          json.RawMessage
	}
	if err := json.Unmarshal(managedJSON, &list); err != nil {
		panic(fmt.Sprintf("embedded managed policies: %v", err))
	}
	out, compiled := map[string]Policy{}, map[string]*policy.Policy{}
	for _, m := range list {
		created, _ := time.Parse(time.RFC3339, m.CreateDate)
		arn := "arn:aws:iam::aws:policy" + m.Path + m.Name
		sum := sha256.Sum256([]byte(arn))
		p := Policy{Name: m.Name, Path: m.Path, ARN: arn, Document: string(m.Document), VersionID: m.VersionID,
			CreateDate: created, UpdateDate: created, AWSManaged: true,
			ID: "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]}
		c, err := policy.Parse(p.Document, policy.Identity)
		if err != nil {
			panic(fmt.Sprintf("embedded managed policy %s: %v", m.Name, err))
		}
		out[arn], compiled[arn] = p, c
	}
	return out, compiled
}

var policyARN = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy(/[\x21-\x7E]*)?/([\w+=,.@-]+)$`)

// checkPolicyARN validates a policy ARN as IAM does.
func checkPolicyARN(arn string) error {
	switch {
	case arn == "":
		return validation(nil, "policyArn", "Member must not be null")
	case len(arn) < 20:
		return validation(arn, "policyArn", "Member must have length greater than or equal to 20")
	case len(arn) > 2048:
		return validation(arn, "policyArn", "Member must have length less than or equal to 2048")
	case !policyARN.MatchString(arn):
		return invalidInput("ARN %s is not valid.", arn)
	}
	return nil
}

func (s *Service) policyARN(path, name string) string {
	return "arn:aws:iam::" + s.o.AccountID + ":policy" + path + name
}

// CreatePolicyInput is CreatePolicy's request.
type CreatePolicyInput struct {
	Name, Path, Document, Description string
	Tags                              []Tag
}

// CreatePolicy stores a customer managed policy.
func (s *Service) CreatePolicy(ctx context.Context, in CreatePolicyInput) (Policy, error) {
	if in.Path == "" {
		in.Path = "/"
	}
	if err := firstErr(checkName("policyName", in.Name, 128), checkPath(in.Path), checkTags(in.Tags)); err != nil {
		return Policy{}, err
	}
	if len(in.Description) > 1000 {
		return Policy{}, validation(in.Description, "description", "Member must have length less than or equal to 1000")
	}
	if _, err := parseDocument(in.Document, policy.Identity, maxManagedPolicySize, "policyDocument"); err != nil {
		return Policy{}, err
	}
	now := s.now()
	p := Policy{Name: in.Name, Path: in.Path, ID: newID("ANPA"), ARN: s.policyARN(in.Path, in.Name), Description: in.Description,
		Document: in.Document, VersionID: "v1", CreateDate: now, UpdateDate: now, Tags: in.Tags}
	b, _ := json.Marshal(p)
	if _, err := s.tables.Policies.Create(ctx, key(in.Name), b); errors.Is(err, store.ErrExists) {
		return Policy{}, alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.Name)
	} else if err != nil {
		return Policy{}, fmt.Errorf("storing policy %s: %w", in.Name, err)
	}
	return p, nil
}

// getPolicy finds a managed policy by ARN.
func (s *Service) getPolicy(ctx context.Context, arn string) (Policy, uint64, error) {
	if err := checkPolicyARN(arn); err != nil {
		return Policy{}, 0, err
	}
	if p, ok := awsManaged[arn]; ok {
		return p, 0, nil
	}
	m := policyARN.FindStringSubmatch(arn)
	if m[1] != s.o.AccountID {
		return Policy{}, 0, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	rec, err := s.tables.Policies.Get(ctx, key(m[3]))
	if errors.Is(err, store.ErrNotFound) {
		return Policy{}, 0, noSuchEntity("Policy %s was not found.", arn)
	}
	if err != nil {
		return Policy{}, 0, err
	}
	var p Policy
	if err := json.Unmarshal(rec.Value, &p); err != nil {
		return Policy{}, 0, fmt.Errorf("decoding policy %s: %w", arn, err)
	}
	if p.ARN != arn { // same name, other path
		return Policy{}, 0, noSuchEntity("Policy %s was not found.", arn)
	}
	return p, rec.Revision, nil
}

// GetPolicy returns a managed policy with its attachment count.
func (s *Service) GetPolicy(ctx context.Context, arn string) (Policy, error) {
	p, _, err := s.getPolicy(ctx, arn)
	if err != nil {
		return Policy{}, err
	}
	n, err := s.attachments(ctx, arn)
	p.AttachmentCount = n
	return p, err
}

// GetPolicyVersion returns the document of a version (Gust keeps v1, or
// AWS's current version for AWS's policies).
func (s *Service) GetPolicyVersion(ctx context.Context, arn, versionID string) (Policy, error) {
	if versionID == "" {
		return Policy{}, validation(nil, "versionId", "Member must not be null")
	}
	if !regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`).MatchString(versionID) {
		return Policy{}, validation(versionID, "versionId", `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	}
	p, _, err := s.getPolicy(ctx, arn)
	if err != nil {
		return Policy{}, err
	}
	if versionID != p.VersionID {
		return Policy{}, noSuchEntity("Policy %s version %s does not exist or is not attachable.", arn, versionID)
	}
	return p, nil
}

// DeletePolicy deletes a customer managed policy no entity has attached.
func (s *Service) DeletePolicy(ctx context.Context, arn string) error {
	p, rev, err := s.getPolicy(ctx, arn)
	if err != nil {
		return err
	}
	if p.AWSManaged {
		return invalidInput("ARN %s is not valid.", arn)
	}
	n, err := s.attachments(ctx, arn)
	if err != nil {
		return err
	}
	if n > 0 {
		return deleteConflict("Cannot delete a policy attached to entities.")
	}
	if err := s.tables.Policies.Delete(ctx, key(p.Name), rev); errors.Is(err, store.ErrNotFound) {
		return noSuchEntity("Policy %s was not found.", arn)
	} else if err != nil {
		return fmt.Errorf("deleting policy %s: %w", arn, err)
	}
	return nil
}

// ListPoliciesInput is ListPolicies' filter.
type ListPoliciesInput struct {
	Scope        string // All (default), AWS, Local
	OnlyAttached bool
	PathPrefix   string
}

// ListPolicies lists managed policies, AWS's and the account's.
func (s *Service) ListPolicies(ctx context.Context, in ListPoliciesInput) ([]Policy, error) {
	switch in.Scope {
	case "", "All", "AWS", "Local":
	default:
		return nil, validation(in.Scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
	}
	if in.PathPrefix == "" {
		in.PathPrefix = "/"
	}
	if !pathPrefixPattern.MatchString(in.PathPrefix) {
		return nil, validation(in.PathPrefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	var all []Policy
	if in.Scope != "Local" {
		for _, p := range awsManaged {
			all = append(all, p)
		}
	}
	if in.Scope != "AWS" {
		local, err := listEntities[Policy](ctx, s.tables.Policies)
		if err != nil {
			return nil, err
		}
		all = append(all, local...)
	}
	counts, err := s.attachmentCounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []Policy
	for _, p := range all {
		p.AttachmentCount = counts[p.ARN]
		if !strings.HasPrefix(p.Path, in.PathPrefix) || (in.OnlyAttached && p.AttachmentCount == 0) {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// attachments counts the roles and users that have arn attached.
func (s *Service) attachments(ctx context.Context, arn string) (int, error) {
	counts, err := s.attachmentCounts(ctx)
	return counts[arn], err
}

func (s *Service) attachmentCounts(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	for _, t := range []*store.CachedTable{s.tables.Roles, s.tables.Users} {
		es, err := listEntities[entity](ctx, t)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			for _, a := range e.Attached {
				counts[a]++
			}
		}
	}
	return counts, nil
}

// compiledPolicy returns a managed policy's compiled document; false when
// it no longer exists.
func (s *Service) compiledPolicy(ctx context.Context, arn string) (*policy.Policy, bool, error) {
	if c, ok := awsCompiled[arn]; ok {
		return c, true, nil
	}
	p, _, err := s.getPolicy(ctx, arn)
	var notFound interface{ Status() int }
	if errors.As(err, &notFound) && notFound.Status() == 404 {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	c, err := policy.Parse(p.Document, policy.Identity)
	return c, err == nil, err
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
