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
	"gust/internal/store"
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

// Options configures a Notifier.
type Options struct {
	Queue   Queue
	Objects Objects // may be bound after New, before Run
	Invoker Invoker
	Region  string
	Logger  *slog.Logger
	// Grace is how long an event waits for its write to commit; zero
	// means a minute.
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
	for _, t := range b.Notification.Lambda {
		if !t.Matches(e) {
			continue
		}
		payload, err := json.Marshal(Records{Records: []Record{NewRecord(e, t.ID, n.o.Region)}})
		if err != nil {
			n.o.Logger.Error("encoding S3 event", "err", err)
			continue
		}
		_, err = n.o.Invoker.Invoke(ctx, invoke.Request{FunctionName: t.ARN, InvocationType: "Event", Payload: payload})
		if err != nil {
			if ctx.Err() != nil || d.Delivered() < 5 {
				_ = d.Retry(time.Second)
				return
			}
			n.o.Logger.Warn("S3 event not delivered", "function", t.ARN, "bucket", e.Bucket, "key", e.Key, "err", err)
		}
	}
	_ = d.Ack()
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
