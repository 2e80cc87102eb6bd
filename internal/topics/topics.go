package topics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gust/internal/apierror"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/store"
)

// Table is the KV table topics live in; store.Table and store.CachedTable
// implement it.
type Table interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// Invoker starts functions; invoke.Service implements it.
type Invoker interface {
	Invoke(ctx context.Context, req invoke.Request) (invoke.Response, error)
}

// Queues sends to SQS queues by ARN; queues.Service implements it.
type Queues interface {
	SendToARN(ctx context.Context, queueARN string, m queues.Message) (string, error)
}

// Observer counts what happens to messages, per topic: "published",
// "delivered", "failed" (given up or sent to a dead-letter queue) and
// "retried".
type Observer interface {
	Count(topic, event string)
}

// Options wire a Service.
type Options struct {
	// Topics holds topics with their subscriptions, confirmation tokens
	// and the signing key; cached, it is read on every publish.
	Topics Table
	// Fanout and FIFO are the durable queues of accepted publishes (and
	// deliveries); FIFO's is consumed by one ordered worker.
	Fanout *store.Queue
	FIFO   *store.Queue
	// Invoker delivers to Lambda subscriptions.
	Invoker Invoker
	// Queues delivers to SQS subscriptions and dead-letter queues; nil
	// while no SQS is wired (those deliveries are retried).
	Queues Queues
	// HTTP delivers to HTTP/HTTPS subscriptions; default a client with a
	// 15 s timeout (SNS's own).
	HTTP *http.Client
	// BaseURL is where Gust is reached: SigningCertURL, SubscribeURL and
	// UnsubscribeURL start with it.
	BaseURL   string
	Region    string
	AccountID string
	Observer  Observer
	// Workers is how many deliveries run at once (default 32).
	Workers int
	// RetryScale multiplies every retry delay (default 1; tests shrink it).
	RetryScale float64
	Logger     *slog.Logger
	Now        func() time.Time
}

// Service is SNS.
type Service struct {
	o   Options
	log *slog.Logger

	keyMu  sync.Mutex
	signer *signer

	mu       sync.Mutex
	fifoSeq  uint64
	policies map[string]*compiled // filter policies by scope and text
}

// New returns a Service; Run delivers.
func New(o Options) *Service {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if o.Workers <= 0 {
		o.Workers = 32
	}
	if o.RetryScale <= 0 {
		o.RetryScale = 1
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	return &Service{o: o, log: o.Logger}
}

type nopObserver struct{}

func (nopObserver) Count(string, string) {}

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string
}

// Topic is a topic and its subscriptions.
type Topic struct {
	Name string
	// Attributes are the ones set by CreateTopic or SetTopicAttributes.
	Attributes    map[string]string `json:",omitempty"`
	Tags          []Tag             `json:",omitempty"`
	Subscriptions []Subscription    `json:",omitempty"`
}

// Subscription is one endpoint subscribed to a topic.
type Subscription struct {
	ID         string
	Protocol   string
	Endpoint   string
	Owner      string
	Attributes map[string]string `json:",omitempty"`
	// Pending is true until an HTTP/HTTPS endpoint confirms with Token.
	Pending bool   `json:",omitempty"`
	Token   string `json:",omitempty"`
}

// FIFO reports whether the topic is a FIFO topic.
func (t *Topic) FIFO() bool { return t.Attributes["FifoTopic"] == "true" }

// ErrNotFound is a topic or subscription that does not exist.
var errTopicNotFound = apierror.New("NotFound", "Topic does not exist").WithStatus(http.StatusNotFound)

func invalid(format string, args ...any) *apierror.Error {
	return apierror.New("InvalidParameter", format, args...).WithStatus(http.StatusBadRequest)
}

func invalidValue(format string, args ...any) *apierror.Error {
	return apierror.New("ParameterValueInvalid", format, args...).WithStatus(http.StatusBadRequest)
}

// TopicARN is the ARN of the topic called name.
func (s *Service) TopicARN(name string) string {
	return "arn:aws:sns:" + s.o.Region + ":" + s.o.AccountID + ":" + name
}

// topicName returns the name in a topic ARN of this region and account.
func (s *Service) topicName(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 {
		return "", invalid("Invalid parameter: TopicArn")
	}
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sns" || !validTopicName(parts[5]) {
		return "", invalid("Invalid parameter: TopicArn")
	}
	if parts[3] != s.o.Region || parts[4] != s.o.AccountID {
		return "", errTopicNotFound
	}
	return parts[5], nil
}

// splitSubscriptionARN returns the topic name and subscription id of a
// subscription ARN.
func (s *Service) splitSubscriptionARN(arn string) (string, string, error) {
	i := strings.LastIndexByte(arn, ':')
	if i < 0 {
		return "", "", invalid("Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1")
	}
	name, err := s.topicName(arn[:i])
	if err != nil {
		var e *apierror.Error
		if errors.As(err, &e) && e.Type == "InvalidParameter" {
			return "", "", invalid("Invalid parameter: SubscriptionArn")
		}
		return "", "", err
	}
	return name, arn[i+1:], nil
}

var topicNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func validTopicName(name string) bool {
	base := strings.TrimSuffix(name, ".fifo")
	return topicNamePattern.MatchString(base) && len(name) <= 256
}

const topicPrefix = "topic."

func (s *Service) get(ctx context.Context, name string) (Topic, uint64, error) {
	rec, err := s.o.Topics.Get(ctx, topicPrefix+name)
	if errors.Is(err, store.ErrNotFound) {
		return Topic{}, 0, errTopicNotFound
	}
	if err != nil {
		return Topic{}, 0, fmt.Errorf("reading topic %s: %w", name, err)
	}
	var t Topic
	if err := json.Unmarshal(rec.Value, &t); err != nil {
		return Topic{}, 0, fmt.Errorf("decoding topic %s: %w", name, err)
	}
	return t, rec.Revision, nil
}

// mutate applies change to the topic called name with compare-and-swap,
// retrying on concurrent writes; create makes a missing topic first.
func (s *Service) mutate(ctx context.Context, name string, create bool, change func(t *Topic, exists bool) error) (Topic, error) {
	for attempt := 0; ; attempt++ {
		t, rev, err := s.get(ctx, name)
		exists := err == nil
		if errors.Is(err, errTopicNotFound) && create {
			t = Topic{Name: name}
		} else if err != nil {
			return Topic{}, err
		}
		if err := change(&t, exists); err != nil {
			return Topic{}, err
		}
		b, err := json.Marshal(t)
		if err != nil {
			return Topic{}, fmt.Errorf("encoding topic %s: %w", name, err)
		}
		if exists {
			_, err = s.o.Topics.Update(ctx, topicPrefix+name, b, rev)
		} else {
			_, err = s.o.Topics.Create(ctx, topicPrefix+name, b)
		}
		if (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists)) && attempt < 20 {
			continue
		}
		if err != nil {
			return Topic{}, fmt.Errorf("writing topic %s: %w", name, err)
		}
		return t, nil
	}
}

// Topic returns the topic whose ARN is arn.
func (s *Service) Topic(ctx context.Context, arn string) (Topic, error) {
	name, err := s.topicName(arn)
	if err != nil {
		return Topic{}, err
	}
	t, _, err := s.get(ctx, name)
	return t, err
}

// Topics returns every topic, sorted by name.
func (s *Service) Topics(ctx context.Context) ([]Topic, error) {
	keys, err := s.o.Topics.Keys(ctx, topicPrefix)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	sort.Strings(keys)
	out := make([]Topic, 0, len(keys))
	for _, k := range keys {
		t, _, err := s.get(ctx, strings.TrimPrefix(k, topicPrefix))
		if errors.Is(err, errTopicNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
