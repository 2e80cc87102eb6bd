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

// Target is one of a rule's targets.
type Target struct {
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	RoleArn          string            `json:"RoleArn,omitempty"`
	Input            string            `json:"Input,omitempty"`
	InputPath        string            `json:"InputPath,omitempty"`
	InputTransformer *InputTransformer `json:"InputTransformer,omitempty"`
	RetryPolicy      *RetryPolicy      `json:"RetryPolicy,omitempty"`
	DeadLetterConfig *DeadLetterConfig `json:"DeadLetterConfig,omitempty"`
	SqsParameters    *SqsParameters    `json:"SqsParameters,omitempty"`
}

// InputTransformer builds a target's input from parts of the event.
type InputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap,omitempty"`
	InputTemplate string            `json:"InputTemplate"`
}

// RetryPolicy bounds a target's delivery retries.
type RetryPolicy struct {
	MaximumRetryAttempts     *int `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int `json:"MaximumEventAgeInSeconds,omitempty"`
}

// DeadLetterConfig names the SQS queue undeliverable events go to.
type DeadLetterConfig struct {
	Arn string `json:"Arn,omitempty"`
}

// SqsParameters are a FIFO queue target's.
type SqsParameters struct {
	MessageGroupId string `json:"MessageGroupId,omitempty"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string
}

// DefaultBus is the name of the account's default event bus.
const DefaultBus = "default"

// Rule is a rule on an event bus: a schedule (default bus only) or an
// event pattern.
type Rule struct {
	Name string
	// EventBusName is empty for the default bus.
	EventBusName       string `json:",omitempty"`
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
	Tags    []Tag    `json:",omitempty"`
}

// Bus is the rule's event bus name ("default" for the default bus).
func (r *Rule) Bus() string {
	if r.EventBusName == "" {
		return DefaultBus
	}
	return r.EventBusName
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

// prefix is where a bus's rules are kept: the default bus's under "rule."
// (as before custom buses existed), a custom bus's under "rules=<bus>=".
func prefix(bus string) string {
	if bus == "" || bus == DefaultBus {
		return rulePrefix
	}
	return "rules=" + bus + "="
}

// ValidName reports whether a rule name can be stored.
func ValidName(name string) bool { return store.ValidKey(rulePrefix + name) }

// ValidBusName reports whether a bus's rules can be stored.
func ValidBusName(bus string) bool { return store.ValidKey(prefix(bus) + "x") }

// Get returns the rule called name on bus.
func (s *Store) Get(ctx context.Context, bus, name string) (Rule, error) {
	r, _, err := s.get(ctx, bus, name)
	return r, err
}

func (s *Store) get(ctx context.Context, bus, name string) (Rule, uint64, error) {
	rec, err := s.Table.Get(ctx, prefix(bus)+name)
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
func (s *Store) Mutate(ctx context.Context, bus, name string, create bool, change func(r *Rule, exists bool) error) (Rule, error) {
	for attempt := 0; ; attempt++ {
		r, rev, err := s.get(ctx, bus, name)
		exists := err == nil
		if errors.Is(err, ErrNotFound) && create {
			r = Rule{Name: name}
			if bus != DefaultBus {
				r.EventBusName = bus
			}
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
			_, err = s.Table.Update(ctx, prefix(bus)+name, b, rev)
		} else {
			_, err = s.Table.Create(ctx, prefix(bus)+name, b)
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

// Delete removes the rule called name from bus.
func (s *Store) Delete(ctx context.Context, bus, name string) error {
	_, rev, err := s.get(ctx, bus, name)
	if err != nil {
		return err
	}
	if err := s.Table.Delete(ctx, prefix(bus)+name, rev); err != nil {
		return fmt.Errorf("deleting rule %s: %w", name, err)
	}
	return nil
}

// List returns the rules of bus whose names start with namePrefix, sorted
// by name.
func (s *Store) List(ctx context.Context, bus, namePrefix string) ([]Rule, error) {
	keys, err := s.Table.Keys(ctx, prefix(bus)+namePrefix)
	if err != nil {
		return nil, fmt.Errorf("listing rules: %w", err)
	}
	out := make([]Rule, 0, len(keys))
	for _, k := range keys {
		r, err := s.Get(ctx, bus, strings.TrimPrefix(k, prefix(bus)))
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
