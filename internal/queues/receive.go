package queues

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gust/internal/store"
)

// ReceiveOptions are ReceiveMessage's parameters.
type ReceiveOptions struct {
	// Max is MaxNumberOfMessages (1 to 10).
	Max int
	// Wait is how long to wait for a first message; nil uses the queue's
	// ReceiveMessageWaitTimeSeconds.
	Wait *time.Duration
	// Visibility overrides the queue's VisibilityTimeout when non-nil.
	Visibility *int
}

// Received is one received message.
type Received struct {
	MessageID     string
	ReceiptHandle string
	Body          string
	MD5OfBody     string
	MD5OfAttrs    string
	Attributes    map[string]MessageAttribute
	// System holds the system attributes SQS can return
	// (ApproximateReceiveCount, SentTimestamp, ...).
	System map[string]string
}

// Receive leases up to o.Max messages of a queue.
func (s *Service) Receive(ctx context.Context, name string, o ReceiveOptions) ([]Received, error) {
	q, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if o.Max < 1 || o.Max > 10 {
		return nil, invalidParam("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", o.Max)
	}
	wait := time.Duration(q.WaitTimeSeconds()) * time.Second
	if o.Wait != nil {
		wait = *o.Wait
	}
	if wait < 0 || wait > 20*time.Second {
		return nil, invalidParam("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", int(wait/time.Second))
	}
	vt := q.VisibilityTimeout()
	if o.Visibility != nil {
		if *o.Visibility < 0 || *o.Visibility > 43200 {
			return nil, invalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", *o.Visibility)
		}
		vt = *o.Visibility
	}
	oq, err := s.lease(ctx, q)
	if err != nil {
		return nil, err
	}
	redrive, hasRedrive := q.Redrive()
	deadline := time.Now().Add(wait)
	var out []Received
	for {
		leases, err := s.fetch(ctx, oq, o.Max-len(out), time.Until(deadline))
		if err != nil {
			return out, err
		}
		for _, l := range leases {
			if hasRedrive && l.Delivered > uint64(redrive.MaxReceiveCount) {
				if moved := s.deadLetter(ctx, q, oq, l, redrive); moved {
					continue
				}
			}
			r, err := s.received(q, l)
			if err != nil {
				s.log.Warn("dropping unreadable message", "queue", q.Name, "err", err)
				_ = oq.ls.AckAsync(l.Token)
				continue
			}
			if time.Duration(vt)*time.Second != oq.ackWait {
				if err := oq.ls.Release(ctx, l.Token, time.Duration(vt)*time.Second); err != nil {
					return out, err
				}
			}
			out = append(out, r)
		}
		if len(out) > 0 || !time.Now().Before(deadline) || ctx.Err() != nil {
			return out, nil
		}
	}
}

// fetch leases up to n messages, waiting up to wait for a first one.
func (s *Service) fetch(ctx context.Context, oq *openQueue, n int, wait time.Duration) ([]store.Lease, error) {
	if !oq.fifo {
		return oq.ready.Fetch(ctx, n, wait)
	}
	got, err := s.fetchGroups(ctx, oq, n)
	if err != nil || len(got) > 0 || wait <= 0 {
		return got, err
	}
	// Wait for a publication (or, for messages becoming visible again
	// or scheduled ones, the next look).
	wake := make(chan struct{}, 1)
	stop, err := oq.ls.Subscribe("g.*", func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	if err != nil {
		return nil, err
	}
	defer stop()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		t := time.NewTimer(min(100*time.Millisecond, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil
		case <-wake:
		case <-t.C:
		}
		t.Stop()
		if got, err := s.fetchGroups(ctx, oq, n); err != nil || len(got) > 0 {
			return got, err
		}
	}
	return nil, nil
}

// fetchGroups takes the head of up to n FIFO groups that have no message
// in flight (groups in the order of their keys; messages returned in the
// order they were sent).
func (s *Service) fetchGroups(ctx context.Context, oq *openQueue, n int) ([]store.Lease, error) {
	counts, err := oq.ls.Counts(ctx, "g.*")
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(counts))
	for k, c := range counts {
		if c > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []store.Lease
	for _, k := range keys {
		if len(out) >= n {
			break
		}
		c, err := oq.group(ctx, k)
		if err != nil {
			return out, err
		}
		got, err := c.Fetch(ctx, 1, 0)
		if err != nil {
			return out, err
		}
		out = append(out, got...)
	}
	slices.SortFunc(out, func(a, b store.Lease) int { return int(a.Seq) - int(b.Seq) })
	return out, nil
}

func (s *Service) received(q Queue, l store.Lease) (Received, error) {
	var env envelope
	if err := json.Unmarshal(l.Data, &env); err != nil {
		return Received{}, fmt.Errorf("decoding message %d: %w", l.Seq, err)
	}
	r := Received{
		MessageID:     env.ID,
		ReceiptHandle: encodeHandle(l.Token),
		Body:          env.Body,
		MD5OfBody:     MD5OfBody(env.Body),
		MD5OfAttrs:    env.MD5Attrs,
		Attributes:    env.Attrs,
		System: map[string]string{
			"SenderId":                         env.Sender,
			"SentTimestamp":                    strconv.FormatInt(env.SentAt, 10),
			"ApproximateReceiveCount":          strconv.FormatUint(l.Delivered, 10),
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(time.Now().UnixMilli(), 10),
		},
	}
	if env.Group != "" {
		r.System["MessageGroupId"] = env.Group
	}
	if q.FIFO {
		r.System["MessageDeduplicationId"] = env.Dedup
		seq := env.Seq
		if seq == 0 {
			seq = l.Seq
		}
		r.System["SequenceNumber"] = fmt.Sprintf("%020d", seq)
	}
	if env.Trace != "" {
		r.System["AWSTraceHeader"] = env.Trace
	}
	if env.DLQSource != "" {
		r.System["DeadLetterQueueSourceArn"] = env.DLQSource
	}
	return r, nil
}

// deadLetter moves a message received too often to the dead-letter queue;
// it reports false (and the message is received as usual) when the
// dead-letter queue does not exist.
func (s *Service) deadLetter(ctx context.Context, q Queue, oq *openQueue, l store.Lease, p RedrivePolicy) bool {
	name, ok := s.nameOfARN(p.DeadLetterTargetArn)
	if !ok {
		return false
	}
	dlq, err := s.Get(ctx, name)
	if err != nil {
		return false
	}
	var env envelope
	if err := json.Unmarshal(l.Data, &env); err != nil {
		return false
	}
	dq, err := s.lease(ctx, dlq)
	if err != nil {
		return false
	}
	env.DLQSource = s.ARN(q.Name)
	zero := 0
	if _, err := s.publish(ctx, dlq, dq, env, &zero); err != nil {
		s.log.Warn("moving message to dead-letter queue", "queue", q.Name, "dlq", name, "err", err)
		return false
	}
	if err := oq.ls.Ack(ctx, l.Token); err != nil {
		s.log.Warn("removing message moved to dead-letter queue", "queue", q.Name, "err", err)
	}
	return true
}

// handlePrefix marks Gust's receipt handles.
const handlePrefix = "gq1:"

func encodeHandle(token string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(handlePrefix + token))
}

// token decodes a receipt handle and checks that it is one of q's.
func (s *Service) token(oq *openQueue, handle string) (string, error) {
	if handle == "" {
		return "", MissingParameter("ReceiptHandle")
	}
	b, err := base64.RawURLEncoding.DecodeString(handle)
	if err != nil {
		return "", errBadHandle(handle)
	}
	token, ok := strings.CutPrefix(string(b), handlePrefix)
	if !ok {
		return "", errBadHandle(handle)
	}
	if _, err := oq.ls.CheckToken(token); err != nil {
		return "", errBadHandle(handle)
	}
	return token, nil
}

// DeleteMessage removes a received message. A handle whose message is
// already gone succeeds, as in SQS.
func (s *Service) DeleteMessage(ctx context.Context, name, handle string) error {
	q, err := s.Get(ctx, name)
	if err != nil {
		return err
	}
	oq, err := s.lease(ctx, q)
	if err != nil {
		return err
	}
	token, err := s.token(oq, handle)
	if err != nil {
		return err
	}
	return oq.ls.Ack(ctx, token)
}

// ChangeVisibility makes a received message visible again after seconds.
func (s *Service) ChangeVisibility(ctx context.Context, name, handle string, seconds int) error {
	q, err := s.Get(ctx, name)
	if err != nil {
		return err
	}
	if seconds < 0 || seconds > 43200 {
		return invalidParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", seconds)
	}
	oq, err := s.lease(ctx, q)
	if err != nil {
		return err
	}
	token, err := s.token(oq, handle)
	if err != nil {
		return err
	}
	return oq.ls.Release(ctx, token, time.Duration(seconds)*time.Second)
}

// IsNotFound reports whether err says the queue does not exist.
func IsNotFound(err error) bool { return isNoQueue(err) || errors.Is(err, store.ErrNotFound) }
