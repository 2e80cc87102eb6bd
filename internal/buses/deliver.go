package buses

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gust/internal/eventpattern"
	"gust/internal/ids"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/rules"
	"gust/internal/store"
	"gust/internal/topics"
)

// Job kinds.
const (
	kindEvent  = "event"
	kindTarget = "target"
)

// job is one unit of work in the queue: an accepted event to match, or one
// delivery of it to one rule's target.
type job struct {
	Kind     string
	Bus      string
	EventID  string
	Event    json.RawMessage
	Rule     string        `json:",omitempty"`
	Target   *rules.Target `json:",omitempty"`
	Received time.Time
}

func (s *Service) enqueue(ctx context.Context, j job) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encoding an event job: %w", err)
	}
	id := j.Kind + "." + j.EventID
	if j.Target != nil {
		id += "." + j.Rule + "." + j.Target.ID
	}
	if err := s.o.Queue.Publish(ctx, id, b); err != nil {
		return fmt.Errorf("accepting an event: %w", err)
	}
	return nil
}

// Run delivers until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	return s.o.Queue.Consume(ctx, s.o.Workers, s.handle)
}

func (s *Service) handle(ctx context.Context, d store.Delivery) {
	var j job
	if err := json.Unmarshal(d.Data(), &j); err != nil {
		s.log.Error("dropping an unreadable event job", "err", err)
		_ = d.Ack()
		return
	}
	if j.Kind == kindEvent {
		if err := s.route(ctx, &j); err != nil {
			s.log.Warn("routing an event", "bus", j.Bus, "err", err)
			_ = d.Retry(time.Second) // re-sent target jobs are deduplicated
			return
		}
		_ = d.Ack()
		return
	}
	err := s.deliver(ctx, &j)
	if err == nil {
		s.o.Observer.Count(j.Bus, "delivered")
		_ = d.Ack()
		return
	}
	if wait, again := s.retryDelay(&j, int(d.Delivered())); again {
		s.o.Observer.Count(j.Bus, "retried")
		s.log.Debug("event delivery failed; retrying", "rule", j.Rule, "target", j.Target.Arn, "in", wait, "err", err)
		_ = d.Retry(wait)
		return
	}
	s.giveUp(ctx, &j, err)
	_ = d.Ack()
}

// route matches an event against its bus's rules and queues one delivery
// per target of every matching rule.
func (s *Service) route(ctx context.Context, j *job) error {
	br, err := s.rulesOf(ctx, j.Bus)
	if err != nil {
		return err
	}
	ev, err := eventpattern.ParseEvent(j.Event)
	if err != nil {
		return nil // unmatchable: nothing to do
	}
	for _, name := range br.set.Match(ev) {
		r := br.rules[name]
		for i := range r.Targets {
			t := r.Targets[i]
			if err := s.enqueue(ctx, job{Kind: kindTarget, Bus: j.Bus, EventID: j.EventID, Event: j.Event, Rule: r.Name, Target: &t, Received: j.Received}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Route hands an event that did not come through PutEvents (a scheduled
// rule's tick) straight to one rule's targets.
func (s *Service) Route(ctx context.Context, r rules.Rule, event []byte, eventID string) error {
	for i := range r.Targets {
		t := r.Targets[i]
		if err := s.enqueue(ctx, job{Kind: kindTarget, Bus: r.Bus(), EventID: eventID, Event: event, Rule: r.Name, Target: &t, Received: s.o.Now().UTC()}); err != nil {
			return err
		}
	}
	return nil
}

// Default retry policy of a target: 185 attempts within 24 hours.
const (
	defaultRetryAttempts = 185
	defaultMaxEventAge   = 24 * time.Hour
)

// retryDelay is the wait before the next attempt after the n-th failed one:
// exponential from one second, capped at five minutes, within the target's
// RetryPolicy.
func (s *Service) retryDelay(j *job, n int) (time.Duration, bool) {
	attempts, age := defaultRetryAttempts, defaultMaxEventAge
	if rp := j.Target.RetryPolicy; rp != nil {
		if rp.MaximumRetryAttempts != nil {
			attempts = *rp.MaximumRetryAttempts
		}
		if rp.MaximumEventAgeInSeconds != nil {
			age = time.Duration(*rp.MaximumEventAgeInSeconds) * time.Second
		}
	}
	if n > attempts {
		return 0, false
	}
	wait := time.Second << min(n-1, 9)
	wait = min(wait, 5*time.Minute)
	wait = time.Duration(float64(wait) * s.o.RetryScale)
	if s.o.Now().Add(wait).Sub(j.Received) > age {
		return 0, false
	}
	return wait, true
}

// giveUp sends an undeliverable event to the target's dead-letter queue,
// or drops it.
func (s *Service) giveUp(ctx context.Context, j *job, cause error) {
	s.o.Observer.Count(j.Bus, "failed")
	ruleARN := s.RuleARN(j.Bus, j.Rule)
	if dlq := j.Target.DeadLetterConfig; dlq != nil && dlq.Arn != "" && s.o.Queues != nil {
		str := func(v string) queues.MessageAttribute {
			return queues.MessageAttribute{DataType: "String", StringValue: v}
		}
		code, msg := errorCode(cause)
		_, err := s.o.Queues.SendToARN(ctx, dlq.Arn, queues.Message{Body: string(j.Event), Attributes: map[string]queues.MessageAttribute{
			"RULE_ARN": str(ruleARN), "TARGET_ARN": str(j.Target.Arn), "ERROR_CODE": str(code), "ERROR_MESSAGE": str(msg),
		}})
		if err == nil {
			return
		}
		s.log.Warn("dead-letter queue refused an event", "rule", ruleARN, "queue", dlq.Arn, "err", err)
	}
	s.log.Warn("event undeliverable; dropped", "rule", ruleARN, "target", j.Target.Arn, "err", cause)
}

// errorCode names a delivery failure for the dead-letter message.
func errorCode(err error) (string, string) {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode(), err.Error()
	}
	var te *targetError
	if errors.As(err, &te) {
		return te.code, te.err.Error()
	}
	return "SDK_CLIENT_ERROR", err.Error()
}

// targetError is a delivery failure with EventBridge's error code.
type targetError struct {
	code string
	err  error
}

func (e *targetError) Error() string { return e.code + ": " + e.err.Error() }
func (e *targetError) Unwrap() error { return e.err }

// deliver makes one attempt to hand an event to a target.
func (s *Service) deliver(ctx context.Context, j *job) error {
	t := j.Target
	input, err := targetInput(t, j.Event, s.RuleARN(j.Bus, j.Rule), j.Rule)
	if err != nil {
		return err
	}
	parts := strings.SplitN(t.Arn, ":", 6)
	if len(parts) < 6 {
		return &targetError{"NO_PERMISSIONS", fmt.Errorf("target %s is not an ARN", t.Arn)}
	}
	switch parts[2] {
	case "lambda":
		_, err := s.o.Invoker.Invoke(ctx, invoke.Request{RequestID: ids.Of(j.EventID, j.Rule, j.Target.ID), FunctionName: t.Arn, InvocationType: "Event", Payload: input})
		if err != nil {
			return &targetError{"SDK_CLIENT_ERROR", err}
		}
		return nil
	case "sqs":
		if s.o.Queues == nil {
			return &targetError{"SDK_CLIENT_ERROR", errors.New("no SQS service is wired into this server")}
		}
		m := queues.Message{Body: string(input)}
		if t.SqsParameters != nil {
			m.MessageGroupID = t.SqsParameters.MessageGroupId
			m.DeduplicationID = j.EventID
		}
		if _, err := s.o.Queues.SendToARN(ctx, t.Arn, m); err != nil {
			return &targetError{"SDK_CLIENT_ERROR", err}
		}
		return nil
	case "sns":
		if s.o.Topics == nil {
			return &targetError{"SDK_CLIENT_ERROR", errors.New("no SNS service is wired into this server")}
		}
		if _, err := s.o.Topics.Publish(ctx, t.Arn, topics.Publication{Message: string(input)}); err != nil {
			return &targetError{"SDK_CLIENT_ERROR", err}
		}
		return nil
	case "events":
		bus := strings.TrimPrefix(parts[5], "event-bus/")
		if !strings.HasPrefix(parts[5], "event-bus/") {
			return &targetError{"NO_PERMISSIONS", fmt.Errorf("target %s is not an event bus", t.Arn)}
		}
		if _, err := s.BusName(ctx, t.Arn); err != nil {
			return &targetError{"RESOURCE_NOT_FOUND", err}
		}
		return s.enqueue(ctx, job{Kind: kindEvent, Bus: bus, EventID: j.EventID + "." + bus, Event: j.Event, Received: s.o.Now().UTC()})
	}
	return &targetError{"NO_PERMISSIONS", fmt.Errorf("targets of service %s are not supported", parts[2])}
}
