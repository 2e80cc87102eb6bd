package queues

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"gust/internal/ids"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gust/internal/apierror"
	"gust/internal/store"
)

// Options wires a Service.
type Options struct {
	Store *store.Store
	// Queues is the table of queue configurations ("queues").
	Queues    *store.CachedTable
	Region    string
	AccountID string
	Logger    *slog.Logger
}

// Service is the queues of one account and region.
type Service struct {
	st      *store.Store
	table   *store.CachedTable
	region  string
	account string
	log     *slog.Logger

	mu   sync.Mutex
	open map[string]*openQueue // by stream name

	tasks taskList
}

// New returns a Service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{st: o.Store, table: o.Queues, region: o.Region, account: o.AccountID, log: o.Logger, open: map[string]*openQueue{}}
}

// AccountID is the account whose queues these are.
func (s *Service) AccountID() string { return s.account }

// Get returns a queue's configuration.
func (s *Service) Get(ctx context.Context, name string) (Queue, error) {
	q, _, err := s.get(ctx, name)
	return q, err
}

func (s *Service) get(ctx context.Context, name string) (Queue, uint64, error) {
	if !store.ValidKey(name) {
		return Queue{}, 0, errNoQueue()
	}
	rec, err := s.table.Get(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return Queue{}, 0, errNoQueue()
	}
	if err != nil {
		return Queue{}, 0, fmt.Errorf("reading queue %s: %w", name, err)
	}
	var q Queue
	if err := json.Unmarshal(rec.Value, &q); err != nil {
		return Queue{}, 0, fmt.Errorf("decoding queue %s: %w", name, err)
	}
	return q, rec.Revision, nil
}

// Create creates a queue, or returns the existing one when it has the same
// attributes (as SQS does).
func (s *Service) Create(ctx context.Context, name string, attrs, tags map[string]string) (Queue, error) {
	fifo := attrs["FifoQueue"] == "true"
	if err := checkName(name, fifo); err != nil {
		if !fifo && strings.HasSuffix(name, ".fifo") && validName.MatchString(strings.TrimSuffix(name, ".fifo")) {
			return Queue{}, invalidParam("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		return Queue{}, err
	}
	if err := checkTags(tags); err != nil {
		return Queue{}, err
	}
	a := defaults(fifo)
	if err := s.applyAttributes(a, attrs, fifo, true); err != nil {
		return Queue{}, err
	}
	if existing, _, err := s.get(ctx, name); err == nil {
		for k, v := range attrs {
			if k == "RedrivePolicy" && v != "" {
				v = normalRedrive(v)
			}
			if existing.Attributes[k] != v {
				return Queue{}, sqsErr(CodeQueueAlreadyExists, "A queue already exists with the same name and a different value for attribute %s", k)
			}
		}
		return existing, nil
	} else if !isNoQueue(err) {
		return Queue{}, err
	}
	now := time.Now().Unix()
	q := Queue{Name: name, Stream: "sqs-" + ids.Hex(8), FIFO: fifo, Created: now, Modified: now, Attributes: a, Tags: tags}
	if _, err := s.lease(ctx, q); err != nil {
		return Queue{}, err
	}
	b, err := json.Marshal(q)
	if err != nil {
		return Queue{}, fmt.Errorf("encoding queue %s: %w", name, err)
	}
	if _, err := s.table.Create(ctx, name, b); err != nil {
		_ = s.st.DeleteLeaseStream(ctx, q.Stream)
		if errors.Is(err, store.ErrExists) { // created meanwhile
			return s.Create(ctx, name, attrs, tags)
		}
		return Queue{}, fmt.Errorf("storing queue %s: %w", name, err)
	}
	return q, nil
}

func isNoQueue(err error) bool {
	var e *apierror.Error
	return errors.As(err, &e) && e.Type == CodeNonExistentQueue
}

// Delete deletes a queue and its messages.
func (s *Service) Delete(ctx context.Context, name string) error {
	q, rev, err := s.get(ctx, name)
	if err != nil {
		return err
	}
	if err := s.table.Delete(ctx, name, rev); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting queue %s: %w", name, err)
	}
	s.mu.Lock()
	delete(s.open, q.Stream)
	s.mu.Unlock()
	if err := s.st.DeleteLeaseStream(ctx, q.Stream); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting queue %s: %w", name, err)
	}
	return nil
}

// List returns the names of queues starting with prefix, sorted.
func (s *Service) List(ctx context.Context, prefix string) ([]string, error) {
	keys, err := s.table.Keys(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("listing queues: %w", err)
	}
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

// update applies fn to a queue's configuration with compare-and-swap.
func (s *Service) update(ctx context.Context, name string, fn func(*Queue) error) (Queue, error) {
	for range 10 {
		q, rev, err := s.get(ctx, name)
		if err != nil {
			return Queue{}, err
		}
		if err := fn(&q); err != nil {
			return Queue{}, err
		}
		q.Modified = time.Now().Unix()
		b, err := json.Marshal(q)
		if err != nil {
			return Queue{}, fmt.Errorf("encoding queue %s: %w", name, err)
		}
		if _, err := s.table.Update(ctx, name, b, rev); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return Queue{}, fmt.Errorf("updating queue %s: %w", name, err)
		}
		return q, nil
	}
	return Queue{}, fmt.Errorf("updating queue %s: %w", name, store.ErrConflict)
}

// SetAttributes changes settable attributes.
func (s *Service) SetAttributes(ctx context.Context, name string, attrs map[string]string) error {
	q, err := s.update(ctx, name, func(q *Queue) error {
		a := maps.Clone(q.Attributes)
		if err := s.applyAttributes(a, attrs, q.FIFO, false); err != nil {
			return err
		}
		q.Attributes = a
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.lease(ctx, q) // retention and visibility reach the stream
	return err
}

// AllAttributes lists every attribute name GetQueueAttributes knows.
func AllAttributes(fifo bool) []string {
	names := append(slices.Clone(readOnly), settable...)
	if !fifo {
		names = slices.DeleteFunc(names, func(n string) bool { return slices.Contains(fifoOnly, n) })
	}
	return names
}

// Attributes returns the named attributes ("All" for every one).
func (s *Service) Attributes(ctx context.Context, name string, names []string) (map[string]string, error) {
	q, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	known := AllAttributes(q.FIFO)
	want := map[string]bool{}
	for _, n := range names {
		switch {
		case n == "All":
			for _, k := range known {
				want[k] = true
			}
		case slices.Contains(known, n):
			want[n] = true
		case n == "SqsManagedSseEnabled" || n == "KmsMasterKeyId" || n == "KmsDataKeyReusePeriodSeconds":
			want[n] = true
		default:
			return nil, sqsErr(CodeInvalidAttributeName, "Unknown Attribute %s.", n)
		}
	}
	out := map[string]string{}
	for n := range want {
		if v, ok := q.Attributes[n]; ok && v != "" {
			out[n] = v
		}
	}
	if want["CreatedTimestamp"] {
		out["CreatedTimestamp"] = strconv.FormatInt(q.Created, 10)
	}
	if want["LastModifiedTimestamp"] {
		out["LastModifiedTimestamp"] = strconv.FormatInt(q.Modified, 10)
	}
	if want["QueueArn"] {
		out["QueueArn"] = s.ARN(q.Name)
	}
	if want["ApproximateNumberOfMessages"] || want["ApproximateNumberOfMessagesNotVisible"] || want["ApproximateNumberOfMessagesDelayed"] {
		d, err := s.Depth(ctx, q)
		if err != nil {
			return nil, err
		}
		for n, v := range map[string]uint64{"ApproximateNumberOfMessages": d.Visible, "ApproximateNumberOfMessagesNotVisible": d.InFlight, "ApproximateNumberOfMessagesDelayed": d.Delayed} {
			if want[n] {
				out[n] = strconv.FormatUint(v, 10)
			}
		}
	}
	return out, nil
}

// Depth counts a queue's messages.
type Depth struct {
	Visible, InFlight, Delayed uint64
	// Oldest is when the oldest message still held was sent (zero when
	// the queue is empty).
	Oldest time.Time
}

// Depth reads a queue's counts.
func (s *Service) Depth(ctx context.Context, q Queue) (Depth, error) {
	oq, err := s.lease(ctx, q)
	if err != nil {
		return Depth{}, err
	}
	st, err := oq.ls.State(ctx)
	if err != nil {
		return Depth{}, err
	}
	delayed, err := oq.ls.Counts(ctx, "d.*")
	if err != nil {
		return Depth{}, err
	}
	var d Depth
	for _, n := range delayed {
		d.Delayed += n
	}
	d.InFlight = oq.inFlight(ctx)
	if total := st.Messages; total > d.Delayed+d.InFlight {
		d.Visible = total - d.Delayed - d.InFlight
	}
	d.Oldest = st.FirstTime
	return d, nil
}

// Purge deletes every message of a queue.
func (s *Service) Purge(ctx context.Context, name string) error {
	q, err := s.Get(ctx, name)
	if err != nil {
		return err
	}
	oq, err := s.lease(ctx, q)
	if err != nil {
		return err
	}
	return oq.ls.Purge(ctx)
}

// Tags returns a queue's tags.
func (s *Service) Tags(ctx context.Context, name string) (map[string]string, error) {
	q, err := s.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return q.Tags, nil
}

// Tag adds or replaces tags.
func (s *Service) Tag(ctx context.Context, name string, tags map[string]string) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	_, err := s.update(ctx, name, func(q *Queue) error {
		if q.Tags == nil {
			q.Tags = map[string]string{}
		}
		maps.Copy(q.Tags, tags)
		if len(q.Tags) > 50 {
			return invalidParam("Too many tags added for queue %s.", name)
		}
		return nil
	})
	return err
}

// Untag removes tags.
func (s *Service) Untag(ctx context.Context, name string, keys []string) error {
	_, err := s.update(ctx, name, func(q *Queue) error {
		for _, k := range keys {
			delete(q.Tags, k)
		}
		return nil
	})
	return err
}

func checkTags(tags map[string]string) error {
	if len(tags) > 50 {
		return invalidParam("Too many tags added for queue.")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return invalidParam("Tag key must be 1 to 128 characters and tag value at most 256 characters.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParam("Tag keys must not start with 'aws:'.")
		}
	}
	return nil
}

// DeadLetterSources lists the queues whose RedrivePolicy names this one.
func (s *Service) DeadLetterSources(ctx context.Context, name string) ([]string, error) {
	if _, err := s.Get(ctx, name); err != nil {
		return nil, err
	}
	names, err := s.List(ctx, "")
	if err != nil {
		return nil, err
	}
	arn := s.ARN(name)
	var out []string
	for _, n := range names {
		q, err := s.Get(ctx, n)
		if err != nil {
			continue
		}
		if p, ok := q.Redrive(); ok && p.DeadLetterTargetArn == arn {
			out = append(out, n)
		}
	}
	return out, nil
}

// NamedDepth is one queue's counts.
type NamedDepth struct {
	Name string
	Depth
}

// maxDepthQueues bounds the queues Depths reads (each costs a few
// JetStream requests).
const maxDepthQueues = 500

// Depths reads the counts of every queue (up to 500), for metrics.
func (s *Service) Depths(ctx context.Context) []NamedDepth {
	names, err := s.List(ctx, "")
	if err != nil {
		return nil
	}
	var out []NamedDepth
	for _, n := range names[:min(len(names), maxDepthQueues)] {
		q, err := s.Get(ctx, n)
		if err != nil {
			continue
		}
		d, err := s.Depth(ctx, q)
		if err != nil {
			continue
		}
		out = append(out, NamedDepth{Name: n, Depth: d})
	}
	return out
}
