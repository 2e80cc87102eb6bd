package rules_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"gust/internal/invoke"
	"gust/internal/rules"
	"gust/internal/store/storetest"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type recorder struct {
	mu   sync.Mutex
	reqs []invoke.Request
}

func (r *recorder) Invoke(_ context.Context, req invoke.Request) (invoke.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return invoke.Response{StatusCode: 202}, nil
}

func (r *recorder) take() []invoke.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

func TestEachTickFiresOnceAcrossNodes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := storetest.Open(t)
	ruleTable, err := st.Table(ctx, "rules")
	if err != nil {
		t.Fatal(err)
	}
	claims, err := st.Table(ctx, "ruleticks")
	if err != nil {
		t.Fatal(err)
	}
	rs := &rules.Store{Table: ruleTable}
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, r := range []rules.Rule{
		{Name: "every-minute", ScheduleExpression: "rate(1 minute)", State: rules.Enabled, Created: t0, Since: t0,
			Targets: []rules.Target{{ID: "a", Arn: "fn-a"}, {ID: "b", Arn: "fn-b", Input: `{"fixed":1}`}}},
		{Name: "cron", ScheduleExpression: "cron(30 10 * * ? *)", State: rules.Enabled, Created: t0, Since: t0,
			Targets: []rules.Target{{ID: "c", Arn: "fn-c", InputPath: "$.detail-type"}}},
		{Name: "off", ScheduleExpression: "rate(1 minute)", State: rules.Disabled, Created: t0, Since: t0,
			Targets: []rules.Target{{ID: "d", Arn: "fn-d"}}},
	} {
		if _, err := rs.Mutate(ctx, rules.DefaultBus, r.Name, true, func(x *rules.Rule, _ bool) error { *x = r; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	clk := &clock{now: t0.Add(30 * time.Second)}
	rec := &recorder{}
	var nodes []*rules.Scheduler
	for range 3 {
		nodes = append(nodes, rules.New(rules.Options{Rules: rs, Claims: claims, Invoker: rec, Region: "us-east-1", AccountID: "000000000000", Clock: clk}))
	}
	tickAll := func() []invoke.Request {
		t.Helper()
		for _, n := range nodes {
			if err := n.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return rec.take()
	}
	if got := tickAll(); len(got) != 0 {
		t.Fatalf("before the first tick: %v", got)
	}
	clk.set(t0.Add(61 * time.Second))
	got := tickAll()
	if len(got) != 2 || got[0].FunctionName != "fn-a" || got[1].FunctionName != "fn-b" || string(got[1].Payload) != `{"fixed":1}` || got[0].InvocationType != "Event" {
		t.Fatalf("first tick: %+v", got)
	}
	var ev map[string]any
	if err := json.Unmarshal(got[0].Payload, &ev); err != nil {
		t.Fatal(err)
	}
	if ev["detail-type"] != "Scheduled Event" || ev["source"] != "aws.events" || ev["time"] != "2026-11-27T10:01:00Z" ||
		ev["resources"].([]any)[0] != "arn:aws:events:us-east-1:000000000000:rule/every-minute" || ev["account"] != "000000000000" || ev["version"] != "0" {
		t.Errorf("event: %v", ev)
	}
	if got := tickAll(); len(got) != 0 {
		t.Fatalf("same tick fired again: %+v", got)
	}
	// After downtime only the latest due tick fires; the cron fires at 10:30.
	clk.set(t0.Add(30*time.Minute + 10*time.Second))
	got = tickAll()
	if len(got) != 3 {
		t.Fatalf("after downtime: %+v", got)
	}
	for _, r := range got {
		if r.FunctionName == "fn-c" && string(r.Payload) != `"Scheduled Event"` {
			t.Errorf("InputPath payload %s", r.Payload)
		}
		if r.FunctionName == "fn-a" && !json.Valid(r.Payload) {
			t.Errorf("payload %s", r.Payload)
		}
	}
}

func TestScaledClock(t *testing.T) {
	wall := &clock{now: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	c := rules.NewScaledClock(60, wall.Now)
	if got := c.Now(); !got.Equal(wall.now) {
		t.Errorf("at start: %v, want %v", got, wall.now)
	}
	wall.set(wall.now.Add(1500 * time.Millisecond))
	if got, want := c.Now(), time.Date(2026, 1, 1, 10, 1, 30, 0, time.UTC); !got.Equal(want) {
		t.Errorf("1.5 s later at 60x: %v, want %v", got, want)
	}
	if one := rules.NewScaledClock(0, wall.Now); !one.Now().Equal(wall.Now()) {
		t.Error("a speed below 1 is not the wall clock")
	}
}

// A scheduler on a scaled clock fires a rate(1 minute) rule about once per
// wall-clock second at 60x.
func TestSchedulerOnAScaledClock(t *testing.T) {
	ctx := storetest.Context(t)
	st := storetest.Open(t)
	rs := &rules.Store{Table: storetest.Table(t, st, "rules")}
	wall := &clock{now: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)}
	r := rules.Rule{Name: "r", ScheduleExpression: "rate(1 minute)", State: rules.Enabled, Created: wall.now, Since: wall.now,
		Targets: []rules.Target{{ID: "a", Arn: "fn"}}}
	if _, err := rs.Mutate(ctx, rules.DefaultBus, r.Name, true, func(x *rules.Rule, _ bool) error { *x = r; return nil }); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	s := rules.New(rules.Options{Rules: rs, Claims: storetest.Table(t, st, "ruleticks"), Invoker: rec, Region: "us-east-1", AccountID: "000000000000",
		Clock: rules.NewScaledClock(60, wall.Now)})
	fired := 0
	for range 5 {
		wall.set(wall.now.Add(time.Second))
		if err := s.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		fired += len(rec.take())
	}
	if fired != 5 {
		t.Errorf("fired %d times in 5 scaled minutes, want 5", fired)
	}
}
