package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gust/internal/store"
)

// Rule states.
const (
	Enabled  = "ENABLED"
	Disabled = "DISABLED"
)

// Target is a rule's Lambda target.
type Target struct {
	ID        string `json:"Id"`
	Arn       string `json:"Arn"`
	Input     string `json:"Input,omitempty"`
	InputPath string `json:"InputPath,omitempty"`
}

// Rule is a scheduled rule.
type Rule struct {
	Name               string
	Description        string `json:",omitempty"`
	ScheduleExpression string `json:",omitempty"`
	EventPattern       string `json:",omitempty"`
	State              string
	RoleArn            string `json:",omitempty"`
	// Created anchors rate(...) schedules; Since is the last change to the
	// schedule or state: no tick at or before it fires.
	Created time.Time
	Since   time.Time
	Targets []Target `json:",omitempty"`
}

// Table is the KV table rules and tick claims live in; store.Table
// implements it.
type Table interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// ErrNotFound is returned for a rule that does not exist.
var ErrNotFound = errors.New("rule not found")

// Store keeps rules.
type Store struct {
	Table Table
}

const rulePrefix = "rule."

// ValidName reports whether a rule name can be stored.
func ValidName(name string) bool { return store.ValidKey(rulePrefix + name) }

// Get returns the rule called name.
func (s *Store) Get(ctx context.Context, name string) (Rule, error) {
	r, _, err := s.get(ctx, name)
	return r, err
}

func (s *Store) get(ctx context.Context, name string) (Rule, uint64, error) {
	rec, err := s.Table.Get(ctx, rulePrefix+name)
	if errors.Is(err, store.ErrNotFound) {
		return Rule{}, 0, ErrNotFound
	}
	if err != nil {
		return Rule{}, 0, fmt.Errorf("reading rule %s: %w", name, err)
	}
	var r Rule
	if err := json.Unmarshal(rec.Value, &r); err != nil {
		return Rule{}, 0, fmt.Errorf("decoding rule %s: %w", name, err)
	}
	return r, rec.Revision, nil
}

// Mutate applies change to the rule called name, creating it from a zero
// Rule when create is true and it does not exist. It retries on concurrent
// writes.
func (s *Store) Mutate(ctx context.Context, name string, create bool, change func(r *Rule, exists bool) error) (Rule, error) {
	for attempt := 0; ; attempt++ {
		r, rev, err := s.get(ctx, name)
		exists := err == nil
		if errors.Is(err, ErrNotFound) && create {
			r = Rule{Name: name}
		} else if err != nil {
			return Rule{}, err
		}
		if err := change(&r, exists); err != nil {
			return Rule{}, err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return Rule{}, fmt.Errorf("encoding rule %s: %w", name, err)
		}
		if exists {
			_, err = s.Table.Update(ctx, rulePrefix+name, b, rev)
		} else {
			_, err = s.Table.Create(ctx, rulePrefix+name, b)
		}
		if (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists)) && attempt < 10 {
			continue
		}
		if err != nil {
			return Rule{}, fmt.Errorf("writing rule %s: %w", name, err)
		}
		return r, nil
	}
}

// Delete removes the rule called name.
func (s *Store) Delete(ctx context.Context, name string) error {
	_, rev, err := s.get(ctx, name)
	if err != nil {
		return err
	}
	if err := s.Table.Delete(ctx, rulePrefix+name, rev); err != nil {
		return fmt.Errorf("deleting rule %s: %w", name, err)
	}
	return nil
}

// List returns the rules whose names start with prefix, sorted by name.
func (s *Store) List(ctx context.Context, prefix string) ([]Rule, error) {
	keys, err := s.Table.Keys(ctx, rulePrefix+prefix)
	if err != nil {
		return nil, fmt.Errorf("listing rules: %w", err)
	}
	out := make([]Rule, 0, len(keys))
	for _, k := range keys {
		r, err := s.Get(ctx, strings.TrimPrefix(k, rulePrefix))
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
