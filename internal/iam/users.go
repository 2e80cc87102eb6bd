package iam

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gust/internal/store"
)

// User is an IAM user.
type User struct {
	Name, Path, ID, ARN string
	CreateDate          time.Time
	Tags                []Tag
}

func (e entity) user() User {
	return User{Name: e.Name, Path: e.Path, ID: e.ID, ARN: e.ARN, CreateDate: e.CreateDate, Tags: e.Tags}
}

// CreateUser stores a new user.
func (s *Service) CreateUser(ctx context.Context, name, path string, tags []Tag) (User, error) {
	if path == "" {
		path = "/"
	}
	if err := firstErr(checkName("userName", name, 64), checkPath(path), checkTags(tags)); err != nil {
		return User{}, err
	}
	e := entity{Name: name, Path: path, ID: newID("AIDA"), ARN: "arn:aws:iam::" + s.o.AccountID + ":user" + path + name, CreateDate: s.now(), Tags: tags}
	if err := putEntity(ctx, s.tables.Users, e); errors.Is(err, store.ErrExists) {
		return User{}, alreadyExists("User with name %s already exists.", name)
	} else if err != nil {
		return User{}, fmt.Errorf("storing user %s: %w", name, err)
	}
	return e.user(), nil
}

// GetUser returns a user.
func (s *Service) GetUser(ctx context.Context, name string) (User, error) {
	e, err := s.load(ctx, userKind, name)
	return e.user(), err
}

// DeleteUser deletes a user without policies or access keys.
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	return s.deleteEntity(ctx, userKind, name, func(e entity) error {
		keys, err := s.ListAccessKeys(ctx, e.Name)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return deleteConflict("Cannot delete entity, must delete access keys first.")
		}
		return nil
	})
}

// ListUsers lists users under pathPrefix, by name.
func (s *Service) ListUsers(ctx context.Context, pathPrefix string) ([]User, error) {
	if pathPrefix == "" {
		pathPrefix = "/"
	}
	if !pathPrefixPattern.MatchString(pathPrefix) {
		return nil, validation(pathPrefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	es, err := listEntities[entity](ctx, s.tables.Users)
	if err != nil {
		return nil, err
	}
	out := []User{}
	for _, e := range es {
		if strings.HasPrefix(e.Path, pathPrefix) {
			out = append(out, e.user())
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// User policies and tags.
func (s *Service) PutUserPolicy(ctx context.Context, user, name, doc string) error {
	return s.putInline(ctx, userKind, user, name, doc)
}

// GetUserPolicy returns the user's exact name and the document.
func (s *Service) GetUserPolicy(ctx context.Context, user, name string) (string, string, error) {
	return s.getInline(ctx, userKind, user, name)
}

func (s *Service) DeleteUserPolicy(ctx context.Context, user, name string) error {
	return s.deleteInline(ctx, userKind, user, name)
}

func (s *Service) ListUserPolicies(ctx context.Context, user string) ([]string, error) {
	return s.listInline(ctx, userKind, user)
}

func (s *Service) AttachUserPolicy(ctx context.Context, user, arn string) error {
	return s.attach(ctx, userKind, user, arn)
}

func (s *Service) DetachUserPolicy(ctx context.Context, user, arn string) error {
	return s.detach(ctx, userKind, user, arn)
}

func (s *Service) ListAttachedUserPolicies(ctx context.Context, user, pathPrefix string) ([]AttachedPolicy, error) {
	return s.listAttached(ctx, userKind, user, pathPrefix)
}

func (s *Service) TagUser(ctx context.Context, user string, tags []Tag) error {
	return s.tag(ctx, userKind, user, tags)
}

func (s *Service) UntagUser(ctx context.Context, user string, keys []string) error {
	return s.untag(ctx, userKind, user, keys)
}

// ListUserTags returns a user's tags.
func (s *Service) ListUserTags(ctx context.Context, user string) ([]Tag, error) {
	e, err := s.load(ctx, userKind, user)
	return e.Tags, err
}
