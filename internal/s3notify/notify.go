package s3notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"gust/internal/ids"
	"gust/internal/invoke"
	"gust/internal/objects"
	"gust/internal/queues"
	"gust/internal/store"
	"gust/internal/topics"
)

// Queue is the durable queue events wait in (package store).
type Queue interface {
	Publish(ctx context.Context, id string, data []byte) error
	Consume(ctx context.Context, max int, handle func(context.Context, store.Delivery)) error
}

// Objects reads what delivery checks: the committed object and the
// bucket's configuration.
type Objects interface {
	Current(ctx context.Context, bucket, key string) (objects.Object, error)
	Bucket(ctx context.Context, name string) (objects.Bucket, error)
}

// Invoker invokes functions.
type Invoker interface {
	Invoke(ctx context.Context, r invoke.Request) (invoke.Response, error)
}

// Queues sends to SQS queues (package queues).
type Queues interface {
	SendToARN(ctx context.Context, queueARN string, m queues.Message) (string, error)
}

// Topics publishes to SNS topics (package topics).
type Topics interface {
	Publish(ctx context.Context, topicARN string, p topics.Publication) (topics.Published, error)
}

// Options configures a Notifier.
type Options struct {
	Queue   Queue
	Objects Objects // may be bound after New, before Run
	Invoker Invoker
	// Queues and Topics deliver QueueConfigurations and
	// TopicConfigurations; nil leaves those configurations unserved.
	Queues Queues
	Topics Topics
	Region string
	Logger *slog.Logger
	// Grace is how long an event waits for its write to commit, and how
	// long a destination that refuses it is retried; zero means a minute.
	Grace time.Duration
}

// Notifier records and delivers events.
type Notifier struct{ o Options }

// New returns a Notifier.
func New(o Options) *Notifier {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Grace <= 0 {
		o.Grace = time.Minute
	}
	return &Notifier{o: o}
}

// BindDestinations sets the queue and topic services, which are built
// after the object service; call it before serving.
func (n *Notifier) BindDestinations(q Queues, t Topics) { n.o.Queues, n.o.Topics = q, t }

// BindObjects sets the object service, which itself needs the Notifier.
func (n *Notifier) BindObjects(o Objects) { n.o.Objects = o }

// Pending records e durably (objects.Notifier).
func (n *Notifier) Pending(ctx context.Context, e objects.Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding event: %w", err)
	}
	return n.o.Queue.Publish(ctx, ids.Of(e.Name, e.Bucket, e.Key, e.Sequencer), b)
}

// Run delivers events until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	return n.o.Queue.Consume(ctx, 16, n.deliver)
}

func (n *Notifier) deliver(ctx context.Context, d store.Delivery) {
	var e objects.Event
	if err := json.Unmarshal(d.Data(), &e); err != nil {
		n.o.Logger.Error("dropping undecodable S3 event", "err", err)
		_ = d.Ack()
		return
	}
	committed, err := n.committed(ctx, e)
	if err != nil {
		_ = d.Retry(time.Second)
		return
	}
	if !committed {
		if time.Since(e.Time) > n.o.Grace {
			_ = d.Ack() // the write never happened: nothing to announce
			return
		}
		_ = d.Retry(min(time.Duration(d.Delivered())*2*time.Millisecond, 500*time.Millisecond))
		return
	}
	b, err := n.o.Objects.Bucket(ctx, e.Bucket)
	if err != nil || b.Notification == nil {
		_ = d.Ack() // no bucket, no configuration: nobody to tell
		return
	}
	type send struct {
		target objects.NotificationTarget
		to     func(context.Context, string, []byte) error
	}
	var sends []send
	for _, t := range b.Notification.Lambda {
		sends = append(sends, send{t, n.invoke})
	}
	for _, t := range b.Notification.Queue {
		sends = append(sends, send{t, n.enqueue})
	}
	for _, t := range b.Notification.Topic {
		sends = append(sends, send{t, n.publish})
	}
	for _, s := range sends {
		t := s.target
		if !t.Matches(e) {
			continue
		}
		payload, err := json.Marshal(Records{Records: []Record{NewRecord(e, t.ID, n.o.Region)}})
		if err != nil {
			n.o.Logger.Error("encoding S3 event", "err", err)
			continue
		}
		if err := s.to(ctx, t.ARN, payload); err != nil {
			// A destination that refuses (a missing function or queue, a
			// throttle) is retried until the event is older than the
			// grace period; then the event is given up, as S3 does.
			if ctx.Err() != nil || time.Since(e.Time) < n.o.Grace {
				_ = d.Retry(time.Second)
				return
			}
			n.o.Logger.Warn("S3 event not delivered", "destination", t.ARN, "bucket", e.Bucket, "key", e.Key, "err", err)
		}
	}
	_ = d.Ack()
}

func (n *Notifier) invoke(ctx context.Context, arn string, payload []byte) error {
	_, err := n.o.Invoker.Invoke(ctx, invoke.Request{FunctionName: arn, InvocationType: "Event", Payload: payload})
	return err
}

func (n *Notifier) enqueue(ctx context.Context, arn string, payload []byte) error {
	if n.o.Queues == nil {
		return errors.New("no SQS on this server")
	}
	_, err := n.o.Queues.SendToARN(ctx, arn, queues.Message{Body: string(payload)})
	return err
}

func (n *Notifier) publish(ctx context.Context, arn string, payload []byte) error {
	if n.o.Topics == nil {
		return errors.New("no SNS on this server")
	}
	subject := "Amazon S3 Notification"
	_, err := n.o.Topics.Publish(ctx, arn, topics.Publication{Message: string(payload), Subject: &subject})
	return err
}

// Test sends S3's s3:TestEvent to each queue and topic of a configuration
// being put, as S3 does to validate them; Lambda functions get none.
func (n *Notifier) Test(ctx context.Context, bucket string, c objects.Notification, requestID string) error {
	msg, err := json.Marshal(map[string]string{
		"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": time.Now().UTC().Format("2006-01-02T15:04:05.000Z"),
		"Bucket": bucket, "RequestId": requestID, "HostId": "gust",
	})
	if err != nil {
		return err
	}
	for _, t := range c.Queue {
		if err := n.enqueue(ctx, t.ARN, msg); err != nil {
			return fmt.Errorf("sending the test event to %s: %w", t.ARN, err)
		}
	}
	for _, t := range c.Topic {
		if err := n.publish(ctx, t.ARN, msg); err != nil {
			return fmt.Errorf("sending the test event to %s: %w", t.ARN, err)
		}
	}
	return nil
}

// committed reports whether e's write is the committed state of its key
// (or was overtaken by a later write).
func (n *Notifier) committed(ctx context.Context, e objects.Event) (bool, error) {
	cur, err := n.o.Objects.Current(ctx, e.Bucket, e.Key)
	notFound := errors.Is(err, store.ErrNotFound)
	if err != nil && !notFound {
		return false, err
	}
	if strings.HasPrefix(e.Name, "ObjectRemoved:") {
		return notFound || cur.Sequencer > e.Sequencer, nil
	}
	return !notFound && cur.Sequencer >= e.Sequencer, nil
}

// Records is the event document a function receives.
type Records struct {
	Records []Record `json:"Records"`
}

// Record is AWS's S3 event record, eventVersion 2.1.
type Record struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      principal         `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                entity            `json:"s3"`
}

type principal struct {
	PrincipalID string `json:"principalId"`
}

type entity struct {
	SchemaVersion   string       `json:"s3SchemaVersion"`
	ConfigurationID string       `json:"configurationId"`
	Bucket          bucketEntity `json:"bucket"`
	Object          objectEntity `json:"object"`
}

type bucketEntity struct {
	Name          string    `json:"name"`
	OwnerIdentity principal `json:"ownerIdentity"`
	ARN           string    `json:"arn"`
}

type objectEntity struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	Sequencer string `json:"sequencer"`
}

// NewRecord builds the record of e for the configuration configID.
func NewRecord(e objects.Event, configID, region string) Record {
	obj := objectEntity{Key: EncodeKey(e.Key), Sequencer: e.Sequencer}
	if strings.HasPrefix(e.Name, "ObjectCreated:") {
		size := e.Size
		obj.Size, obj.ETag = &size, strings.Trim(e.ETag, `"`)
	}
	owner := principal{PrincipalID: e.Origin.PrincipalID}
	return Record{
		EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: region,
		EventTime:         e.Time.UTC().Format("2006-01-02T15:04:05.000Z"),
		EventName:         e.Name,
		UserIdentity:      principal{PrincipalID: "AWS:" + e.Origin.PrincipalID},
		RequestParameters: map[string]string{"sourceIPAddress": e.Origin.SourceIP},
		ResponseElements:  map[string]string{"x-amz-request-id": e.Origin.RequestID, "x-amz-id-2": "gust"},
		S3: entity{
			SchemaVersion: "1.0", ConfigurationID: configID,
			Bucket: bucketEntity{Name: e.Bucket, OwnerIdentity: owner, ARN: "arn:aws:s3:::" + e.Bucket},
			Object: obj,
		},
	}
}

// EncodeKey encodes a key as S3 does in event records: form encoding
// (a space is '+'), with '/' left as is; handlers decode it with
// urllib.parse.unquote_plus.
func EncodeKey(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
}
