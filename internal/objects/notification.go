package objects

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Event is one S3 event, recorded before the write it describes commits.
type Event struct {
	// Name is the event type without "s3:", e.g. "ObjectCreated:Put".
	Name      string    `json:"name"`
	Bucket    string    `json:"bucket"`
	Key       string    `json:"key"`
	Size      int64     `json:"size"`
	ETag      string    `json:"etag"` // quoted
	Sequencer string    `json:"seq"`
	Time      time.Time `json:"time"`
	Origin    Origin    `json:"origin"`
}

// Tester is a Notifier that can check destinations with S3's
// s3:TestEvent before a configuration is stored.
type Tester interface {
	Test(ctx context.Context, bucket string, n Notification, requestID string) error
}

// Notification is a bucket's notification configuration.
type Notification struct {
	Lambda []NotificationTarget `json:"lambda,omitempty"`
	Queue  []NotificationTarget `json:"queue,omitempty"`
	Topic  []NotificationTarget `json:"topic,omitempty"`
}

// NotificationTarget is one Lambda function, queue or topic configuration.
type NotificationTarget struct {
	ID     string   `json:"id"`
	ARN    string   `json:"arn"`
	Events []string `json:"events"`
	Prefix string   `json:"prefix,omitempty"`
	Suffix string   `json:"suffix,omitempty"`
}

// Matches reports whether the configuration wants event e.
func (t NotificationTarget) Matches(e Event) bool {
	if !strings.HasPrefix(e.Key, t.Prefix) || !strings.HasSuffix(e.Key, t.Suffix) {
		return false
	}
	for _, want := range t.Events {
		want = strings.TrimPrefix(want, "s3:")
		if want == e.Name || (strings.HasSuffix(want, ":*") && strings.HasPrefix(e.Name, strings.TrimSuffix(want, "*"))) {
			return true
		}
	}
	return false
}

// notificationEvents are the event types Gust raises or accepts.
var notificationEvents = map[string]bool{
	"s3:ObjectCreated:*": true, "s3:ObjectCreated:Put": true, "s3:ObjectCreated:Post": true,
	"s3:ObjectCreated:Copy": true, "s3:ObjectCreated:CompleteMultipartUpload": true,
	"s3:ObjectRemoved:*": true, "s3:ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true,
}

// PutNotification replaces a bucket's notification configuration after
// checking it: known event types, one prefix and one suffix rule at most,
// ARNs of the right service, no two configurations overlapping.
func (s *Service) PutNotification(ctx context.Context, bucket string, n Notification, origin Origin) error {
	all := map[string][]NotificationTarget{"lambda": n.Lambda, "sqs": n.Queue, "sns": n.Topic}
	seenID := map[string]bool{}
	var flat []NotificationTarget
	for service, targets := range all {
		for i := range targets {
			t := &targets[i]
			if t.ID == "" {
				t.ID = newName()
			}
			if seenID[t.ID] {
				return invalidArgument("Configuration ID must be unique")
			}
			seenID[t.ID] = true
			if len(t.Events) == 0 {
				return invalidArgument("Unable to validate the following destination configurations")
			}
			for _, e := range t.Events {
				if !notificationEvents[e] {
					return invalidArgument("The event is not supported for notifications")
				}
			}
			if !strings.HasPrefix(t.ARN, "arn:aws:"+service+":") {
				return invalidArgument("Unable to validate the following destination configurations")
			}
			flat = append(flat, *t)
		}
	}
	for i := range flat {
		for j := i + 1; j < len(flat); j++ {
			if overlaps(flat[i], flat[j]) {
				return invalidArgument("Configurations overlap. Configurations on the same bucket cannot share a common event type.")
			}
		}
	}
	if _, _, err := s.bucket(ctx, bucket); err != nil {
		return err
	}
	if tester, ok := s.o.Notifier.(Tester); ok {
		if err := tester.Test(ctx, bucket, n, origin.RequestID); err != nil {
			s.o.Logger.Info("notification destination refused the test event", "bucket", bucket, "err", err)
			return invalidArgument("Unable to validate the following destination configurations")
		}
	}
	return s.updateBucket(ctx, bucket, func(b *Bucket) error {
		b.Notification = &n
		if len(n.Lambda)+len(n.Queue)+len(n.Topic) == 0 {
			b.Notification = nil
		}
		return nil
	})
}

func overlaps(a, b NotificationTarget) bool {
	prefixes := strings.HasPrefix(a.Prefix, b.Prefix) || strings.HasPrefix(b.Prefix, a.Prefix)
	suffixes := strings.HasSuffix(a.Suffix, b.Suffix) || strings.HasSuffix(b.Suffix, a.Suffix)
	if !prefixes || !suffixes {
		return false
	}
	for _, x := range a.Events {
		for _, y := range b.Events {
			xs, ys := strings.TrimSuffix(x, "*"), strings.TrimSuffix(y, "*")
			if strings.HasPrefix(x, ys) || strings.HasPrefix(y, xs) {
				return true
			}
		}
	}
	return false
}

func invalidArgument(format string, args ...any) error {
	return s3Error(http.StatusBadRequest, "InvalidArgument", format, args...)
}

// Notification returns a bucket's notification configuration (empty when
// none).
func (s *Service) Notification(ctx context.Context, bucket string) (Notification, error) {
	b, _, err := s.bucket(ctx, bucket)
	if err != nil || b.Notification == nil {
		return Notification{}, err
	}
	return *b.Notification, nil
}
