package logs

import (
	"context"
	"errors"
	"testing"
	"time"

	"gust/internal/apierror"
	"gust/internal/telemetry/logstore"
)

// oneGroup is a Store with one group "/aws/lambda/f" and one stream "s"
// holding two events.
type oneGroup struct{}

func (oneGroup) check(group string) error {
	if group != "/aws/lambda/f" {
		return logstore.ErrGroupNotFound
	}
	return nil
}

func (oneGroup) Groups(context.Context) ([]logstore.Group, error) {
	return []logstore.Group{{Name: "/aws/lambda/f", Created: time.Unix(1, 0)}}, nil
}
func (g oneGroup) DeleteGroup(_ context.Context, group string) error { return g.check(group) }
func (g oneGroup) SetRetention(_ context.Context, group string, _ int) error {
	return g.check(group)
}
func (g oneGroup) Streams(_ context.Context, group, _ string) ([]logstore.LogStream, error) {
	return []logstore.LogStream{{Name: "s"}}, g.check(group)
}
func (g oneGroup) Scan(_ context.Context, q logstore.Query) (logstore.Page, error) {
	return logstore.Page{Events: []logstore.Event{{ID: 1, Stream: "s", Message: "a"}, {ID: 2, Stream: "s", Message: "b"}}}, g.check(q.Group)
}
func (g oneGroup) Tail(_ context.Context, q logstore.Query, _ uint64) ([]logstore.Event, error) {
	return []logstore.Event{{ID: 1, Stream: "s", Message: "a"}}, g.check(q.Group)
}

func (g oneGroup) CreateGroup(_ context.Context, group string, _ logstore.GroupSettings) error {
	if g.check(group) == nil {
		return logstore.ErrGroupExists
	}
	return nil
}
func (g oneGroup) ChangeGroup(_ context.Context, group string, change func(*logstore.Group)) error {
	if err := g.check(group); err != nil {
		return err
	}
	change(&logstore.Group{Name: group})
	return nil
}
func (g oneGroup) CreateStream(_ context.Context, group, stream string) error {
	if err := g.check(group); err != nil {
		return err
	}
	if stream == "s" {
		return logstore.ErrStreamExists
	}
	return nil
}
func (g oneGroup) HasStream(_ context.Context, group, stream string) error {
	if err := g.check(group); err != nil {
		return err
	}
	if stream != "s" {
		return logstore.ErrStreamNotFound
	}
	return nil
}
func (g oneGroup) Append(_ context.Context, group string, _ []logstore.Entry) error { return nil }

// FuzzOperations feeds arbitrary bodies to every operation: none may
// panic, and every refusal must be a client error, never a
// ServiceException (which would mean a request crashed into the store).
func FuzzOperations(f *testing.F) {
	seeds := []string{
		`{}`, `{"logGroupName":"/aws/lambda/f"}`, `{"logGroupIdentifier":"arn:aws:logs:us-east-1:0:log-group:/aws/lambda/f:*"}`,
		`{"logGroupName":"/aws/lambda/f","logStreamName":"s","nextToken":"f/1","limit":1}`,
		`{"logGroupName":"/aws/lambda/f","nextToken":"b/x"}`, `{"logGroupName":"/aws/lambda/f","filterPattern":"\"a"}`,
		`{"logGroupName":"/aws/lambda/f","retentionInDays":7}`, `{"limit":0}`, `{"orderBy":"LastEventTime","logStreamNamePrefix":"x"}`,
		`{"logGroupNamePrefix":"/a","logGroupNamePattern":"b"}`, `{"logGroupName":"bad name"}`, `[1]`,
		`{"logGroupName":"/aws/lambda/f","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"},{"timestamp":0,"message":"n"}]}`,
		`{"logGroupName":"g","tags":{"k":"v"},"logGroupClass":"DELIVERY","kmsKeyId":"arn:aws:kms:us-east-1:0:key/k"}`,
		`{"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f","tags":{"k":"v"},"tagKeys":["k"]}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	ops := New(Options{Store: oneGroup{}, Region: "us-east-1", AccountID: "000000000000"}).Service().Operations
	f.Fuzz(func(t *testing.T, body string) {
		for name, op := range ops {
			if _, err := op(context.Background(), []byte(body)); err != nil {
				var e *apierror.Error
				if !errors.As(err, &e) || e.Status() >= 500 {
					t.Errorf("%s(%s): %v", name, body, err)
				}
			}
		}
	})
}
