package rules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gust/internal/ids"
	"gust/internal/invoke"
	"gust/internal/schedule"
	"gust/internal/store"
)

// Invoker queues asynchronous invocations; package invoke implements it.
type Invoker interface {
	Invoke(ctx context.Context, req invoke.Request) (invoke.Response, error)
}

// Router delivers a rule's event to its targets (package buses: every
// target kind, input transformation, retries and dead-letter queues).
type Router interface {
	Route(ctx context.Context, r Rule, event []byte, eventID string) error
}

// Options wire a Scheduler.
type Options struct {
	Rules *Store
	// Claims holds each rule's last fired tick; it must be the same table
	// on every node (not a cache: claims are compare-and-swap).
	Claims  Table
	Invoker Invoker
	// Router, when set, delivers fired events instead of Invoker (which
	// then reaches Lambda targets only).
	Router    Router
	Region    string
	AccountID string
	// Clock defaults to the wall clock; Interval (how often rules are
	// looked at) to one second.
	Clock    Clock
	Interval time.Duration
	Logger   *slog.Logger
}

// Scheduler fires due rules.
type Scheduler struct {
	o Options
}

// New returns a Scheduler; Run drives it.
func New(o Options) *Scheduler {
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{o: o}
}

// maxCatchUp bounds how far back a scheduler looks for a due tick after
// downtime; older ticks are skipped anyway.
const maxCatchUp = 24 * time.Hour

// Run fires due rules until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.o.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				s.o.Logger.Warn("scheduler", "err", err)
			}
		}
	}
}

// Tick fires every rule due now once.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.o.Clock.Now().UTC()
	rules, err := s.o.Rules.List(ctx, DefaultBus, "")
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range rules {
		if err := s.fireIfDue(ctx, r, now); err != nil {
			errs = append(errs, fmt.Errorf("rule %s: %w", r.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) fireIfDue(ctx context.Context, r Rule, now time.Time) error {
	if r.State != Enabled || r.ScheduleExpression == "" {
		return nil
	}
	sch, err := schedule.Parse(r.ScheduleExpression, r.Created)
	if err != nil {
		return err
	}
	last, rev, err := s.lastFired(ctx, r.Name)
	if err != nil {
		return err
	}
	from := r.Since
	if last.After(from) {
		from = last
	}
	if cut := now.Add(-maxCatchUp); from.Before(cut) {
		from = cut
	}
	due := sch.Next(from)
	if due.IsZero() || due.After(now) {
		return nil
	}
	for next := sch.Next(due); !next.IsZero() && !next.After(now); next = sch.Next(due) {
		due = next
	}
	won, err := s.claim(ctx, r.Name, due, rev)
	if err != nil || !won {
		return err
	}
	return s.fire(ctx, r, due)
}

const claimPrefix = "tick."

func (s *Scheduler) lastFired(ctx context.Context, name string) (time.Time, uint64, error) {
	rec, err := s.o.Claims.Get(ctx, claimPrefix+name)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, 0, nil
	}
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("reading last tick: %w", err)
	}
	sec, err := strconv.ParseInt(string(rec.Value), 10, 64)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("decoding last tick: %w", err)
	}
	return time.Unix(sec, 0).UTC(), rec.Revision, nil
}

// claim records tick as fired; it reports false when another node got
// there first.
func (s *Scheduler) claim(ctx context.Context, name string, tick time.Time, rev uint64) (bool, error) {
	value := []byte(strconv.FormatInt(tick.Unix(), 10))
	var err error
	if rev == 0 {
		_, err = s.o.Claims.Create(ctx, claimPrefix+name, value)
	} else {
		_, err = s.o.Claims.Update(ctx, claimPrefix+name, value, rev)
	}
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claiming tick: %w", err)
	}
	return true, nil
}

// Forget drops a deleted rule's claim.
func (s *Scheduler) Forget(ctx context.Context, name string) error {
	_, rev, err := s.lastFired(ctx, name)
	if err != nil || rev == 0 {
		return err
	}
	if err := s.o.Claims.Delete(ctx, claimPrefix+name, rev); err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("forgetting ticks: %w", err)
	}
	return nil
}

// RuleARN is the ARN of the rule called name.
func (s *Scheduler) RuleARN(name string) string {
	return "arn:aws:events:" + s.o.Region + ":" + s.o.AccountID + ":rule/" + name
}

func (s *Scheduler) fire(ctx context.Context, r Rule, tick time.Time) error {
	id := ids.UUID()
	event, err := json.Marshal(map[string]any{
		"version":     "0",
		"id":          id,
		"detail-type": "Scheduled Event",
		"source":      "aws.events",
		"account":     s.o.AccountID,
		"time":        tick.Format(time.RFC3339),
		"region":      s.o.Region,
		"resources":   []string{s.RuleARN(r.Name)},
		"detail":      map[string]any{},
	})
	if err != nil {
		return fmt.Errorf("encoding scheduled event: %w", err)
	}
	s.o.Logger.Debug("rule fired", "rule", r.Name, "tick", tick, "targets", len(r.Targets))
	if s.o.Router != nil {
		return s.o.Router.Route(ctx, r, event, id)
	}
	var errs []error
	for _, t := range r.Targets {
		payload, err := TargetInput(t, event)
		if err == nil {
			_, err = s.o.Invoker.Invoke(ctx, invoke.Request{RequestID: ids.UUID(), FunctionName: t.Arn, InvocationType: "Event", Payload: payload})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("invoking target %s: %w", t.ID, err))
		}
	}
	return errors.Join(errs...)
}

// TargetInput is what a target receives for event: its constant Input, the
// part of the event its InputPath selects, or the whole event.
func TargetInput(t Target, event []byte) ([]byte, error) {
	switch {
	case t.Input != "":
		return []byte(t.Input), nil
	case t.InputPath != "" && t.InputPath != "$":
		var v any
		if err := json.Unmarshal(event, &v); err != nil {
			return nil, fmt.Errorf("decoding event: %w", err)
		}
		for _, field := range strings.Split(strings.TrimPrefix(t.InputPath, "$."), ".") {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[field]
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encoding input: %w", err)
		}
		return b, nil
	}
	return event, nil
}
