package iam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gust/internal/policy"
	"gust/internal/store"
)

// kind is what differs between roles and users for the operations they
// share (inline and attached policies, tags).
type kind struct {
	noun      string // "role", "user"
	member    string // "roleName", "userName"
	maxInline int
}

var (
	roleKind = kind{noun: "role", member: "roleName", maxInline: maxRoleInlineSize}
	userKind = kind{noun: "user", member: "userName", maxInline: maxUserInlineSize}
)

func (s *Service) table(k kind) *store.CachedTable {
	if k == roleKind {
		return s.tables.Roles
	}
	return s.tables.Users
}

func (k kind) notFound(name string) error {
	return noSuchEntity("The %s with name %s cannot be found.", k.noun, name)
}

// load reads the named entity, NoSuchEntity when absent.
func (s *Service) load(ctx context.Context, k kind, name string) (entity, error) {
	if err := checkName(k.member, name, 64); err != nil {
		return entity{}, err
	}
	e, ok, err := getEntity(ctx, s.table(k), name)
	if err != nil {
		return entity{}, err
	}
	if !ok {
		return entity{}, k.notFound(name)
	}
	return e, nil
}

// update applies fn to the named entity with compare-and-swap.
func (s *Service) update(ctx context.Context, k kind, name string, fn func(*entity) error) error {
	return retry(func() error {
		e, err := s.load(ctx, k, name)
		if err != nil {
			return err
		}
		if err := fn(&e); err != nil {
			return err
		}
		if err := putEntity(ctx, s.table(k), e); errors.Is(err, store.ErrNotFound) {
			return k.notFound(name)
		} else if err != nil {
			return err
		}
		s.invalidate() // this node's callers see the change at once; others through the watch
		return nil
	})
}

// PutInlinePolicy adds or replaces an inline policy of a role or user.
func (s *Service) putInline(ctx context.Context, k kind, name, policyName, doc string) error {
	if err := firstErr(checkName(k.member, name, 64), checkName("policyName", policyName, 128)); err != nil {
		return err
	}
	if _, err := parseDocument(doc, policy.Identity, 0, "policyDocument"); err != nil {
		return err
	}
	return s.update(ctx, k, name, func(e *entity) error {
		size := countChars(doc)
		for n, d := range e.Inline {
			if n != policyName {
				size += countChars(d)
			}
		}
		if size > k.maxInline {
			return limitExceeded("Maximum policy size of %d bytes exceeded for %s %s", k.maxInline, k.noun, e.Name)
		}
		if e.Inline == nil {
			e.Inline = map[string]string{}
		}
		e.Inline[policyName] = doc
		return nil
	})
}

func (s *Service) getInline(ctx context.Context, k kind, name, policyName string) (string, string, error) {
	if err := checkName("policyName", policyName, 128); err != nil {
		return "", "", err
	}
	e, err := s.load(ctx, k, name)
	if err != nil {
		return "", "", err
	}
	doc, ok := e.Inline[policyName]
	if !ok {
		return "", "", noSuchEntity("The %s policy with name %s cannot be found.", k.noun, policyName)
	}
	return e.Name, doc, nil
}

func (s *Service) deleteInline(ctx context.Context, k kind, name, policyName string) error {
	if err := checkName("policyName", policyName, 128); err != nil {
		return err
	}
	return s.update(ctx, k, name, func(e *entity) error {
		if _, ok := e.Inline[policyName]; !ok {
			return noSuchEntity("The %s policy with name %s cannot be found.", k.noun, policyName)
		}
		delete(e.Inline, policyName)
		return nil
	})
}

func (s *Service) listInline(ctx context.Context, k kind, name string) ([]string, error) {
	e, err := s.load(ctx, k, name)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(e.Inline))
	for n := range e.Inline {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (s *Service) attach(ctx context.Context, k kind, name, arn string) error {
	if err := checkName(k.member, name, 64); err != nil {
		return err
	}
	if _, _, err := s.getPolicy(ctx, arn); err != nil {
		return err
	}
	return s.update(ctx, k, name, func(e *entity) error {
		if slices.Contains(e.Attached, arn) {
			return nil
		}
		if len(e.Attached) >= maxAttached {
			return limitExceeded("Cannot exceed quota for PoliciesPer%s: %d", map[string]string{"role": "Role", "user": "User"}[k.noun], maxAttached)
		}
		e.Attached = append(e.Attached, arn)
		return nil
	})
}

func (s *Service) detach(ctx context.Context, k kind, name, arn string) error {
	if err := firstErr(checkName(k.member, name, 64), checkPolicyARN(arn)); err != nil {
		return err
	}
	return s.update(ctx, k, name, func(e *entity) error {
		i := slices.Index(e.Attached, arn)
		if i < 0 {
			return noSuchEntity("Policy %s was not found.", arn)
		}
		e.Attached = slices.Delete(e.Attached, i, i+1)
		return nil
	})
}

// AttachedPolicy is a managed policy attached to a role or user.
type AttachedPolicy struct{ Name, ARN string }

func (s *Service) listAttached(ctx context.Context, k kind, name, pathPrefix string) ([]AttachedPolicy, error) {
	if pathPrefix != "" && !pathPrefixPattern.MatchString(pathPrefix) {
		return nil, validation(pathPrefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	e, err := s.load(ctx, k, name)
	if err != nil {
		return nil, err
	}
	out := []AttachedPolicy{}
	for _, arn := range e.Attached {
		m := policyARN.FindStringSubmatch(arn)
		if m == nil || (pathPrefix != "" && !hasPathPrefix(m[2]+"/", pathPrefix)) {
			continue
		}
		out = append(out, AttachedPolicy{Name: m[3], ARN: arn})
	}
	return out, nil
}

func hasPathPrefix(path, prefix string) bool {
	return len(path) >= len(prefix) && path[:len(prefix)] == prefix
}

func (s *Service) tag(ctx context.Context, k kind, name string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	return s.update(ctx, k, name, func(e *entity) error {
		for _, t := range tags {
			i := slices.IndexFunc(e.Tags, func(x Tag) bool { return strings.EqualFold(x.Key, t.Key) })
			if i >= 0 {
				e.Tags[i] = t
			} else {
				e.Tags = append(e.Tags, t)
			}
		}
		if len(e.Tags) > 50 {
			return limitExceeded("The number of tags has reached the maximum limit.")
		}
		return nil
	})
}

func (s *Service) untag(ctx context.Context, k kind, name string, keys []string) error {
	return s.update(ctx, k, name, func(e *entity) error {
		e.Tags = slices.DeleteFunc(e.Tags, func(t Tag) bool {
			return slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, t.Key) })
		})
		return nil
	})
}

func (s *Service) deleteEntity(ctx context.Context, k kind, name string, extra func(entity) error) error {
	e, err := s.load(ctx, k, name)
	if err != nil {
		return err
	}
	switch {
	case len(e.Inline) > 0:
		return deleteConflict("Cannot delete entity, must delete policies first.")
	case len(e.Attached) > 0:
		return deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	if extra != nil {
		if err := extra(e); err != nil {
			return err
		}
	}
	if err := s.table(k).Delete(ctx, key(name), e.revision); errors.Is(err, store.ErrNotFound) {
		return k.notFound(name)
	} else if errors.Is(err, store.ErrConflict) {
		return deleteConflict("Cannot delete entity, it was changed while deleting; try again.")
	} else if err != nil {
		return fmt.Errorf("deleting %s %s: %w", k.noun, name, err)
	}
	s.invalidate()
	return nil
}
