package async

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gust/internal/apierror"
	"gust/internal/control"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/store"
)

// Invoker runs a function synchronously.
type Invoker interface {
	Invoke(ctx context.Context, req invoke.Request) (invoke.Response, error)
}

// Configs gives the asynchronous settings of a function and qualifier.
type Configs interface {
	EffectiveEventInvokeConfig(ctx context.Context, name, qualifier string) control.EventInvokeConfig
	FunctionARN(name string) string
}

// DeadLetters names a function version's dead-letter queue.
type DeadLetters interface {
	DeadLetterTarget(ctx context.Context, name, qualifier string) string
}

// Queues delivers messages to SQS queues; package queues implements it.
type Queues interface {
	SendToARN(ctx context.Context, queueARN string, m queues.Message) (string, error)
}

// Backoff is how long to wait before retries.
type Backoff struct {
	// FunctionError is the delay before the first retry of a function
	// error; the n-th retry waits n times as long (Lambda: 1 min, 2 min).
	FunctionError time.Duration
	// Throttle is the first delay after a throttle or system error; it
	// doubles up to ThrottleMax (Lambda: 1 s up to 5 min).
	Throttle    time.Duration
	ThrottleMax time.Duration
}

// DefaultBackoff is Lambda's.
var DefaultBackoff = Backoff{FunctionError: time.Minute, Throttle: time.Second, ThrottleMax: 5 * time.Minute}

// Options wires a Service.
type Options struct {
	Queue   *store.Queue
	Invoker Invoker
	Configs Configs
	// DeadLetters and Queues, when set, send events that fail for good to
	// the function's DeadLetterConfig queue, and records to SQS
	// destinations.
	DeadLetters DeadLetters
	Queues      Queues
	Backoff     Backoff
	// Workers is how many events are processed at once (default 16).
	Workers int
	// AckWait is the queue's redelivery timeout; workers signal progress
	// at a third of it while a function runs.
	AckWait time.Duration
	Logger  *slog.Logger
	Now     func() time.Time
}

// Service queues and delivers asynchronous invocations.
type Service struct {
	o   Options
	log *slog.Logger

	mu       sync.Mutex
	attempts map[string]int // function-error attempts by event id
}

// New returns a Service; Run delivers events.
func New(o Options) *Service {
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Backoff == (Backoff{}) {
		o.Backoff = DefaultBackoff
	}
	return &Service{o: o, log: o.Logger, attempts: map[string]int{}}
}

// Enqueue stores an event durably; it implements invoke.Enqueuer.
func (s *Service) Enqueue(ctx context.Context, ev invoke.Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encoding event: %w", err)
	}
	return s.o.Queue.Publish(ctx, ev.ID, b)
}

// Run delivers events until ctx ends, then waits for running deliveries.
func (s *Service) Run(ctx context.Context) error {
	return s.o.Queue.Consume(ctx, s.o.Workers, s.deliver)
}

// outcome of one delivery attempt.
type outcome struct {
	resp      invoke.Response
	invoked   bool
	condition string // Success, RetriesExhausted, EventAgeExceeded; "" = retry
	retryIn   time.Duration
}

func (s *Service) deliver(ctx context.Context, d store.Delivery) {
	var ev invoke.Event
	if err := json.Unmarshal(d.Data(), &ev); err != nil {
		s.log.Error("dropping undecodable async event", "err", err)
		_ = d.Ack()
		return
	}
	log := s.log.With("function", ev.Function, "request_id", ev.ID)
	cfg := s.o.Configs.EffectiveEventInvokeConfig(ctx, ev.Function, ev.Qualifier)
	out := s.attempt(ctx, d, ev, cfg)
	if ctx.Err() != nil {
		return // shutting down: the event is delivered again after restart
	}
	if out.condition == "" {
		log.Debug("async event retried", "in", out.retryIn)
		if err := d.Retry(out.retryIn); err != nil {
			log.Warn("scheduling retry", "err", err)
		}
		return
	}
	if err := s.sendDeadLetter(ctx, ev, out); err != nil {
		log.Warn("sending to the dead-letter queue", "err", err)
		_ = d.Retry(s.o.Backoff.Throttle)
		return
	}
	if err := s.sendRecord(ctx, ev, cfg, out); err != nil {
		// Not acknowledged: the event comes back and its outcome is
		// settled again, so the record is not lost.
		log.Warn("sending destination record", "err", err)
		_ = d.Retry(s.o.Backoff.Throttle)
		return
	}
	s.mu.Lock()
	delete(s.attempts, ev.ID)
	s.mu.Unlock()
	if err := d.Ack(); err != nil {
		log.Warn("acknowledging async event", "err", err)
	}
	log.Debug("async event settled", "condition", out.condition)
}

func (s *Service) attempt(ctx context.Context, d store.Delivery, ev invoke.Event, cfg control.EventInvokeConfig) outcome {
	if s.o.Now().Sub(ev.EnqueuedAt) > cfg.MaxAge() {
		return outcome{condition: "EventAgeExceeded"}
	}
	stop := s.keepAlive(d)
	resp, err := s.o.Invoker.Invoke(ctx, invoke.Request{
		RequestID:    ev.ID,
		FunctionName: ev.Function,
		Qualifier:    ev.Qualifier,
		Payload:      ev.Payload,
	})
	stop()
	if err != nil {
		if errors.Is(err, apierror.ResourceNotFoundException) {
			// The function or qualifier is gone: nothing can ever run it.
			s.log.Warn("dropping async event: function not found", "function", ev.Function, "err", err)
			return outcome{condition: "RetriesExhausted"}
		}
		// Throttles and system errors do not count against retries.
		delay := min(s.o.Backoff.Throttle<<min(d.Delivered()-1, 16), s.o.Backoff.ThrottleMax)
		if s.o.Now().Add(delay).Sub(ev.EnqueuedAt) > cfg.MaxAge() {
			return outcome{condition: "EventAgeExceeded"}
		}
		return outcome{retryIn: delay}
	}
	s.mu.Lock()
	s.attempts[ev.ID]++
	n := s.attempts[ev.ID]
	s.mu.Unlock()
	if resp.FunctionError == "" {
		return outcome{resp: resp, invoked: true, condition: "Success"}
	}
	if n > cfg.Retries() {
		return outcome{resp: resp, invoked: true, condition: "RetriesExhausted"}
	}
	delay := s.o.Backoff.FunctionError * time.Duration(n)
	if s.o.Now().Add(delay).Sub(ev.EnqueuedAt) > cfg.MaxAge() {
		return outcome{resp: resp, invoked: true, condition: "EventAgeExceeded"}
	}
	return outcome{retryIn: delay}
}

// keepAlive tells the queue the delivery is still being worked on, so a
// long function run is not handed to another worker.
func (s *Service) keepAlive(d store.Delivery) (stop func()) {
	every := max(s.o.AckWait/3, 100*time.Millisecond)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = d.InProgress()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// record is Lambda's invocation record for destinations.
type record struct {
	Version         string           `json:"version"`
	Timestamp       string           `json:"timestamp"`
	RequestContext  requestContext   `json:"requestContext"`
	RequestPayload  json.RawMessage  `json:"requestPayload"`
	ResponseContext *responseContext `json:"responseContext,omitempty"`
	ResponsePayload json.RawMessage  `json:"responsePayload,omitempty"`
}

type requestContext struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// sendRecord queues the invocation record for the destination the outcome
// calls for, if the function has one.
func (s *Service) sendRecord(ctx context.Context, ev invoke.Event, cfg control.EventInvokeConfig, out outcome) error {
	dest := cfg.OnFailure
	if out.condition == "Success" {
		dest = cfg.OnSuccess
	}
	if dest == "" {
		return nil
	}
	s.mu.Lock()
	count := s.attempts[ev.ID]
	s.mu.Unlock()
	rec := record{
		Version:   "1.0",
		Timestamp: s.o.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: requestContext{
			RequestID:              ev.ID,
			FunctionArn:            s.o.Configs.FunctionARN(ev.Function) + ":" + cfg.Qualifier,
			Condition:              out.condition,
			ApproximateInvokeCount: count,
		},
		RequestPayload: ev.Payload,
	}
	if out.invoked {
		rec.ResponseContext = &responseContext{StatusCode: out.resp.StatusCode, ExecutedVersion: out.resp.ExecutedVersion, FunctionError: out.resp.FunctionError}
		rec.ResponsePayload = jsonOrString(out.resp.Payload)
	}
	payload, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encoding invocation record: %w", err)
	}
	if control.IsQueueARN(dest) {
		if s.o.Queues == nil {
			return fmt.Errorf("sending invocation record to %s: no queues", dest)
		}
		if _, err := s.o.Queues.SendToARN(ctx, dest, queues.Message{Body: string(payload)}); err != nil {
			return fmt.Errorf("sending invocation record to %s: %w", dest, err)
		}
		return nil
	}
	name, qualifier, err := parseFunctionARN(dest)
	if err != nil {
		return err
	}
	// The record's id derives from the event's, so a re-settled event
	// (after a crash) publishes a duplicate the queue discards.
	return s.Enqueue(ctx, invoke.Event{
		ID:         ev.ID + "-" + strings.ToLower(out.condition),
		Function:   name,
		Qualifier:  qualifier,
		Payload:    payload,
		EnqueuedAt: s.o.Now(),
	})
}

// sendDeadLetter sends an event that failed for good to its function's
// dead-letter queue, as Lambda does: the event as the body, and the
// RequestID, ErrorCode and ErrorMessage message attributes.
func (s *Service) sendDeadLetter(ctx context.Context, ev invoke.Event, out outcome) error {
	if out.condition == "Success" || s.o.DeadLetters == nil || s.o.Queues == nil {
		return nil
	}
	target := s.o.DeadLetters.DeadLetterTarget(ctx, ev.Function, ev.Qualifier)
	if target == "" {
		return nil
	}
	code, msg := "200", "Event age exceeded"
	if out.invoked {
		code = fmt.Sprint(out.resp.StatusCode)
		var fe struct {
			ErrorMessage string `json:"errorMessage"`
		}
		if json.Unmarshal(out.resp.Payload, &fe) == nil && fe.ErrorMessage != "" {
			msg = fe.ErrorMessage
		} else {
			msg = out.resp.FunctionError
		}
	}
	if len(msg) > 1024 {
		msg = msg[:1024]
	}
	body := string(ev.Payload)
	if body == "" {
		body = "{}"
	}
	m := queues.Message{Body: body, Attributes: map[string]queues.MessageAttribute{
		"RequestID":    {DataType: "String", StringValue: ev.ID},
		"ErrorCode":    {DataType: "Number", StringValue: code},
		"ErrorMessage": {DataType: "String", StringValue: msg},
	}}
	if _, err := s.o.Queues.SendToARN(ctx, target, m); err != nil {
		return fmt.Errorf("sending event %s to %s: %w", ev.ID, target, err)
	}
	return nil
}

func jsonOrString(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// parseFunctionARN splits a Lambda function ARN into name and qualifier.
func parseFunctionARN(arn string) (string, string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[2] != "lambda" || parts[5] != "function" {
		return "", "", errors.New("not a Lambda function ARN: " + arn)
	}
	if len(parts) == 8 {
		return parts[6], parts[7], nil
	}
	return parts[6], "", nil
}
