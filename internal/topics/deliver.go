package topics

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"gust/internal/ids"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/store"
)

// Job kinds.
const (
	kindFanout  = "fanout"
	kindDeliver = "deliver"
	kindConfirm = "confirm"
)

// job is one unit of work in the delivery queues.
type job struct {
	Kind  string
	Topic string
	Sub   string `json:",omitempty"`
	Msg   Message
}

func (s *Service) enqueue(ctx context.Context, j job, fifo bool) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encoding a delivery: %w", err)
	}
	q, id := s.o.Fanout, j.Kind+"."+j.Msg.ID+"."+j.Sub
	if fifo {
		// The queue's deduplication window drops a FIFO publish repeated
		// with the same deduplication id.
		q, id = s.o.FIFO, "fifo."+j.Topic+"."+j.Msg.DedupID
	}
	if err := q.Publish(ctx, id, b); err != nil {
		return fmt.Errorf("accepting a message: %w", err)
	}
	return nil
}

// Run delivers until ctx ends: standard topics' work by Workers at once,
// FIFO topics' one message at a time, in order.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = s.o.Fanout.Consume(ctx, s.o.Workers, s.handle) }()
	go func() { defer wg.Done(); errs[1] = s.o.FIFO.Consume(ctx, 1, s.handleFIFO) }()
	wg.Wait()
	return errors.Join(errs...)
}

// handle runs one job of the standard queue.
func (s *Service) handle(ctx context.Context, d store.Delivery) {
	var j job
	if err := json.Unmarshal(d.Data(), &j); err != nil {
		s.log.Error("dropping an unreadable SNS job", "err", err)
		_ = d.Ack()
		return
	}
	t, _, err := s.get(ctx, j.Topic)
	if errors.Is(err, errTopicNotFound) {
		_ = d.Ack() // deleted topics deliver nothing more
		return
	}
	if err != nil {
		_ = d.Retry(time.Second)
		return
	}
	if j.Kind == kindFanout {
		for _, sub := range t.Subscriptions {
			if sub.Pending || !s.matches(&sub, &j.Msg) {
				continue
			}
			if err := s.enqueue(ctx, job{Kind: kindDeliver, Topic: j.Topic, Sub: sub.ID, Msg: j.Msg}, false); err != nil {
				s.log.Warn("fanning out an SNS message", "topic", j.Topic, "err", err)
				_ = d.Retry(time.Second) // resent jobs are deduplicated
				return
			}
		}
		_ = d.Ack()
		return
	}
	sub, ok := findSubscription(&t, j.Sub)
	if !ok {
		_ = d.Ack() // unsubscribed meanwhile
		return
	}
	err = s.deliver(ctx, &t, &sub, &j)
	if err == nil {
		if j.Kind == kindDeliver {
			s.o.Observer.Count(t.Name, "delivered")
		}
		_ = d.Ack()
		return
	}
	if wait, again := s.retryDelay(&t, &sub, int(d.Delivered()), err); again {
		s.o.Observer.Count(t.Name, "retried")
		s.log.Debug("SNS delivery failed; retrying", "topic", t.Name, "protocol", sub.Protocol, "in", wait, "err", err)
		_ = d.Retry(wait)
		return
	}
	s.giveUp(ctx, &t, &sub, &j, err)
	_ = d.Ack()
}

// handleFIFO fans out and delivers one FIFO message to every subscription
// before the next message starts, retrying in place to keep the order.
func (s *Service) handleFIFO(ctx context.Context, d store.Delivery) {
	var j job
	if err := json.Unmarshal(d.Data(), &j); err != nil {
		s.log.Error("dropping an unreadable SNS job", "err", err)
		_ = d.Ack()
		return
	}
	t, _, err := s.get(ctx, j.Topic)
	if errors.Is(err, errTopicNotFound) {
		_ = d.Ack()
		return
	}
	if err != nil {
		_ = d.Retry(time.Second)
		return
	}
	for _, sub := range t.Subscriptions {
		if sub.Pending || !s.matches(&sub, &j.Msg) {
			continue
		}
		one := job{Kind: kindDeliver, Topic: j.Topic, Sub: sub.ID, Msg: j.Msg}
		for attempt := 1; ; attempt++ {
			err := s.deliver(ctx, &t, &sub, &one)
			if err == nil {
				s.o.Observer.Count(t.Name, "delivered")
				break
			}
			wait, again := s.retryDelay(&t, &sub, attempt, err)
			if !again {
				s.giveUp(ctx, &t, &sub, &one, err)
				break
			}
			s.o.Observer.Count(t.Name, "retried")
			_ = d.InProgress()
			select {
			case <-ctx.Done():
				return // redelivered after a restart; FIFO queues deduplicate
			case <-time.After(wait):
			}
		}
	}
	_ = d.Ack()
}

func findSubscription(t *Topic, id string) (Subscription, bool) {
	for _, sub := range t.Subscriptions {
		if sub.ID == id {
			return sub, true
		}
	}
	return Subscription{}, false
}

// permanent is a delivery that retrying cannot fix (an HTTP endpoint's 4xx
// answer other than 429).
type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

// retryDelay is the wait before the next attempt after the n-th failed one.
func (s *Service) retryDelay(t *Topic, sub *Subscription, n int, err error) (time.Duration, bool) {
	var p *permanent
	if errors.As(err, &p) {
		return 0, false
	}
	policy := managedPolicy
	if sub.Protocol == "http" || sub.Protocol == "https" {
		policy = s.effectiveHTTPPolicy(t, sub)
	}
	wait, ok := policy.delay(n)
	return time.Duration(float64(wait) * s.o.RetryScale), ok
}

// giveUp sends an undeliverable message to the subscription's dead-letter
// queue, or drops it.
func (s *Service) giveUp(ctx context.Context, t *Topic, sub *Subscription, j *job, cause error) {
	if j.Kind == kindConfirm {
		s.log.Warn("SNS subscription confirmation undeliverable", "topic", t.Name, "endpoint", sub.Endpoint, "err", cause)
		return
	}
	s.o.Observer.Count(t.Name, "failed")
	var rp struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if v := sub.Attributes["RedrivePolicy"]; v != "" && s.o.Queues != nil && json.Unmarshal([]byte(v), &rp) == nil {
		body, err := s.envelope(ctx, t, sub, typeNotification, &j.Msg)
		if err == nil {
			_, err = s.o.Queues.SendToARN(ctx, rp.DeadLetterTargetArn, queues.Message{Body: string(body), MessageGroupID: j.Msg.GroupID, DeduplicationID: j.Msg.DedupID})
		}
		if err == nil {
			return
		}
		s.log.Warn("SNS dead-letter queue refused a message", "topic", t.Name, "queue", rp.DeadLetterTargetArn, "err", err)
	}
	s.log.Warn("SNS message undeliverable; dropped", "topic", t.Name, "protocol", sub.Protocol, "endpoint", sub.Endpoint, "err", cause)
}

// deliver makes one attempt.
func (s *Service) deliver(ctx context.Context, t *Topic, sub *Subscription, j *job) error {
	switch sub.Protocol {
	case "lambda":
		payload, err := s.lambdaPayload(ctx, t, sub, &j.Msg)
		if err != nil {
			return err
		}
		// The request id is the delivery's own: a delivery repeated after a
		// crash is the same asynchronous event, deduplicated by the queue.
		_, err = s.o.Invoker.Invoke(ctx, invoke.Request{RequestID: ids.Of(j.Msg.ID, sub.ID), FunctionName: sub.Endpoint, InvocationType: "Event", Payload: payload})
		return err
	case "sqs":
		if s.o.Queues == nil {
			return errors.New("no SQS service is wired into this server")
		}
		m := queues.Message{MessageGroupID: j.Msg.GroupID, DeduplicationID: j.Msg.DedupID}
		if raw(sub) {
			// Raw delivery hands the message attributes over as the SQS
			// message's own.
			m.Body = j.Msg.bodyFor("sqs")
			for name, a := range j.Msg.Attributes {
				if m.Attributes == nil {
					m.Attributes = map[string]queues.MessageAttribute{}
				}
				qa := queues.MessageAttribute{DataType: a.Type, StringValue: a.Value}
				if strings.HasPrefix(a.Type, "Binary") {
					qa.StringValue = ""
					qa.BinaryValue, _ = base64.StdEncoding.DecodeString(a.Value)
				}
				m.Attributes[name] = qa
			}
		} else {
			b, err := s.envelope(ctx, t, sub, typeNotification, &j.Msg)
			if err != nil {
				return err
			}
			m.Body = string(b)
		}
		_, err := s.o.Queues.SendToARN(ctx, sub.Endpoint, m)
		return err
	case "http", "https":
		return s.post(ctx, t, sub, j)
	}
	return &permanent{fmt.Errorf("protocol %s is not delivered", sub.Protocol)}
}

func raw(sub *Subscription) bool {
	return strings.EqualFold(sub.Attributes["RawMessageDelivery"], "true")
}

// post sends a notification or subscription confirmation to an HTTP
// endpoint, with the headers SNS sends.
func (s *Service) post(ctx context.Context, t *Topic, sub *Subscription, j *job) error {
	typ := typeNotification
	if j.Kind == kindConfirm {
		typ = typeConfirmation
	}
	var body []byte
	if typ == typeNotification && raw(sub) {
		body = []byte(j.Msg.bodyFor(sub.Protocol))
	} else {
		var err error
		if body, err = s.envelope(ctx, t, sub, typ, &j.Msg); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Endpoint, bytes.NewReader(body))
	if err != nil {
		return &permanent{fmt.Errorf("building the request to %s: %w", sub.Endpoint, err)}
	}
	h := req.Header
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("User-Agent", "Amazon Simple Notification Service Agent")
	h.Set("x-amz-sns-message-type", typ)
	h.Set("x-amz-sns-message-id", j.Msg.ID)
	h.Set("x-amz-sns-topic-arn", j.Msg.TopicARN)
	if typ == typeNotification {
		h.Set("x-amz-sns-subscription-arn", s.SubscriptionARN(t.Name, sub.ID))
		if raw(sub) {
			h.Set("x-amz-sns-rawdelivery", "true")
		}
	}
	resp, err := s.o.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("posting to %s: %w", sub.Endpoint, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return &permanent{fmt.Errorf("%s answered %s", sub.Endpoint, resp.Status)}
	}
	return fmt.Errorf("%s answered %s", sub.Endpoint, resp.Status)
}
