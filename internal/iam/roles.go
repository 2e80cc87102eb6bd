package iam

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gust/internal/policy"
	"gust/internal/store"
)

// Role is an IAM role.
type Role struct {
	Name, Path, ID, ARN      string
	CreateDate               time.Time
	AssumeRolePolicyDocument string
	Description              string
	MaxSessionDuration       int
	Tags                     []Tag
}

func (r entity) role() Role {
	return Role{Name: r.Name, Path: r.Path, ID: r.ID, ARN: r.ARN, CreateDate: r.CreateDate, AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
		Description: r.Description, MaxSessionDuration: r.MaxSessionDuration, Tags: r.Tags}
}

// CreateRoleInput is CreateRole's request.
type CreateRoleInput struct {
	Name, Path, AssumeRolePolicyDocument, Description string
	MaxSessionDuration                                int
	Tags                                              []Tag
}

// CreateRole stores a new role.
func (s *Service) CreateRole(ctx context.Context, in CreateRoleInput) (Role, error) {
	if in.Path == "" {
		in.Path = "/"
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = 3600
	}
	if err := firstErr(checkName("roleName", in.Name, 64), checkPath(in.Path), checkTags(in.Tags)); err != nil {
		return Role{}, err
	}
	if len(in.Description) > 1000 {
		return Role{}, validation(in.Description, "description", "Member must have length less than or equal to 1000")
	}
	if in.MaxSessionDuration < 3600 || in.MaxSessionDuration > 43200 {
		return Role{}, validation(in.MaxSessionDuration, "maxSessionDuration", "Member must have value between 3600 and 43200")
	}
	if _, err := parseDocument(in.AssumeRolePolicyDocument, policy.Trust, 2048, "assumeRolePolicyDocument"); err != nil {
		return Role{}, err
	}
	r := entity{Name: in.Name, Path: in.Path, ID: newID("AROA"), ARN: s.roleARN(in.Path, in.Name), CreateDate: s.now(), Tags: in.Tags,
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument, Description: in.Description, MaxSessionDuration: in.MaxSessionDuration}
	if err := putEntity(ctx, s.tables.Roles, r); errors.Is(err, store.ErrExists) {
		return Role{}, alreadyExists("Role with name %s already exists.", in.Name)
	} else if err != nil {
		return Role{}, fmt.Errorf("storing role %s: %w", in.Name, err)
	}
	return r.role(), nil
}

func (s *Service) roleARN(path, name string) string {
	return "arn:aws:iam::" + s.o.AccountID + ":role" + path + name
}

// loadRole reads a role record.
func (s *Service) loadRole(ctx context.Context, name string) (entity, error) {
	return s.load(ctx, roleKind, name)
}

// GetRole returns a role.
func (s *Service) GetRole(ctx context.Context, name string) (Role, error) {
	r, err := s.loadRole(ctx, name)
	return r.role(), err
}

// DeleteRole deletes a role without policies.
func (s *Service) DeleteRole(ctx context.Context, name string) error {
	return s.deleteEntity(ctx, roleKind, name, nil)
}

// ListRoles lists roles under pathPrefix, by name.
func (s *Service) ListRoles(ctx context.Context, pathPrefix string) ([]Role, error) {
	if pathPrefix == "" {
		pathPrefix = "/"
	}
	if !pathPrefixPattern.MatchString(pathPrefix) {
		return nil, validation(pathPrefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	recs, err := listEntities[entity](ctx, s.tables.Roles)
	if err != nil {
		return nil, err
	}
	out := []Role{}
	for _, r := range recs {
		if strings.HasPrefix(r.Path, pathPrefix) {
			out = append(out, r.role())
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, name, doc string) error {
	if _, err := parseDocument(doc, policy.Trust, 2048, "policyDocument"); err != nil {
		return err
	}
	return s.update(ctx, roleKind, name, func(e *entity) error {
		e.AssumeRolePolicyDocument = doc
		return nil
	})
}

// Role policies and tags.
func (s *Service) PutRolePolicy(ctx context.Context, role, name, doc string) error {
	return s.putInline(ctx, roleKind, role, name, doc)
}

// GetRolePolicy returns the role's exact name and the document.
func (s *Service) GetRolePolicy(ctx context.Context, role, name string) (string, string, error) {
	return s.getInline(ctx, roleKind, role, name)
}

func (s *Service) DeleteRolePolicy(ctx context.Context, role, name string) error {
	return s.deleteInline(ctx, roleKind, role, name)
}

func (s *Service) ListRolePolicies(ctx context.Context, role string) ([]string, error) {
	return s.listInline(ctx, roleKind, role)
}

func (s *Service) AttachRolePolicy(ctx context.Context, role, arn string) error {
	return s.attach(ctx, roleKind, role, arn)
}

func (s *Service) DetachRolePolicy(ctx context.Context, role, arn string) error {
	return s.detach(ctx, roleKind, role, arn)
}

func (s *Service) ListAttachedRolePolicies(ctx context.Context, role, pathPrefix string) ([]AttachedPolicy, error) {
	return s.listAttached(ctx, roleKind, role, pathPrefix)
}

func (s *Service) TagRole(ctx context.Context, role string, tags []Tag) error {
	return s.tag(ctx, roleKind, role, tags)
}

func (s *Service) UntagRole(ctx context.Context, role string, keys []string) error {
	return s.untag(ctx, roleKind, role, keys)
}

// ListRoleTags returns a role's tags.
func (s *Service) ListRoleTags(ctx context.Context, role string) ([]Tag, error) {
	r, err := s.loadRole(ctx, role)
	return r.Tags, err
}
