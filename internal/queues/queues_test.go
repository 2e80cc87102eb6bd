package queues_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gust/internal/apierror"
	"gust/internal/queues"
	"gust/internal/store"
)

func newService(t *testing.T) *queues.Service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := st.Table(ctx, "queues")
	if err != nil {
		t.Fatal(err)
	}
	cached, err := tb.Cached(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = st.Close() })
	return queues.New(queues.Options{Store: st, Queues: cached, Region: "us-east-1", AccountID: "000000000000"})
}

func code(err error) string {
	var e *apierror.Error
	if errors.As(err, &e) {
		return e.Type
	}
	return ""
}

func ptr[T any](v T) *T { return &v }

func TestStandardQueue(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.Create(ctx, "jobs", map[string]string{"VisibilityTimeout": "5"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "jobs", map[string]string{"VisibilityTimeout": "6"}, nil); code(err) != queues.CodeQueueAlreadyExists {
		t.Errorf("create with other attributes: %v", err)
	}
	id, err := s.SendToARN(ctx, "arn:aws:sqs:us-east-1:000000000000:jobs", queues.Message{Body: "hello", Attributes: map[string]queues.MessageAttribute{"k": {DataType: "String", StringValue: "v"}}})
	if err != nil || id == "" {
		t.Fatalf("SendToARN: %q %v", id, err)
	}
	if _, err := s.SendToARN(ctx, "arn:aws:sqs:us-east-1:000000000000:nope", queues.Message{Body: "x"}); code(err) != queues.CodeNonExistentQueue {
		t.Errorf("SendToARN to a missing queue: %v", err)
	}
	got, err := s.Receive(ctx, "jobs", queues.ReceiveOptions{Max: 10, Visibility: ptr(1)})
	if err != nil || len(got) != 1 || got[0].MessageID != id || got[0].Body != "hello" || got[0].Attributes["k"].StringValue != "v" {
		t.Fatalf("Receive: %+v %v", got, err)
	}
	if got[0].System["ApproximateReceiveCount"] != "1" {
		t.Errorf("receive count %q", got[0].System["ApproximateReceiveCount"])
	}
	// Visible again after its 1 s visibility timeout.
	again, err := s.Receive(ctx, "jobs", queues.ReceiveOptions{Max: 10, Wait: ptr(3 * time.Second)})
	if err != nil || len(again) != 1 || again[0].System["ApproximateReceiveCount"] != "2" {
		t.Fatalf("second Receive: %+v %v", again, err)
	}
	if err := s.DeleteMessage(ctx, "jobs", again[0].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "other", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMessage(ctx, "other", again[0].ReceiptHandle); code(err) != queues.CodeReceiptHandleInvalid {
		t.Errorf("handle of another queue: %v", err)
	}
	if err := s.DeleteMessage(ctx, "jobs", "garbage"); code(err) != queues.CodeReceiptHandleInvalid {
		t.Errorf("garbage handle: %v", err)
	}
	none, err := s.Receive(ctx, "jobs", queues.ReceiveOptions{Max: 1, Wait: ptr(1500 * time.Millisecond)})
	if err != nil || len(none) != 0 {
		t.Fatalf("deleted message came back: %+v %v", none, err)
	}
}

func TestDelayAndDeadLetter(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.Create(ctx, "dlq", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, "src", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"1"}`}, nil); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	if _, err := s.Send(ctx, "src", queues.Message{Body: "poison", DelaySeconds: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Attributes(ctx, "src", []string{"ApproximateNumberOfMessagesDelayed"}); a["ApproximateNumberOfMessagesDelayed"] != "1" {
		t.Errorf("delayed count %v", a)
	}
	got, err := s.Receive(ctx, "src", queues.ReceiveOptions{Max: 1, Wait: ptr(5 * time.Second), Visibility: ptr(0)})
	if err != nil || len(got) != 1 {
		t.Fatalf("Receive: %+v %v", got, err)
	}
	if time.Since(sent) < time.Second {
		t.Errorf("delayed message received after %v", time.Since(sent))
	}
	// Second receive exceeds maxReceiveCount 1: moved to the DLQ.
	if again, _ := s.Receive(ctx, "src", queues.ReceiveOptions{Max: 1, Wait: ptr(time.Second)}); len(again) != 0 {
		t.Fatalf("poison message received again: %+v", again)
	}
	dead, err := s.Receive(ctx, "dlq", queues.ReceiveOptions{Max: 1, Wait: ptr(2 * time.Second)})
	if err != nil || len(dead) != 1 || dead[0].Body != "poison" || dead[0].System["DeadLetterQueueSourceArn"] != "arn:aws:sqs:us-east-1:000000000000:src" {
		t.Fatalf("DLQ receive: %+v %v", dead, err)
	}
	if srcs, _ := s.DeadLetterSources(ctx, "dlq"); len(srcs) != 1 || srcs[0] != "src" {
		t.Errorf("DeadLetterSources = %v", srcs)
	}
}

func TestFIFO(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	if _, err := s.Create(ctx, "plain", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(ctx, "plain", queues.Message{Body: "x", DeduplicationID: "d"}); code(err) != queues.CodeInvalidParameter {
		t.Errorf("dedup id on a standard queue: %v", err)
	}
	if _, err := s.Create(ctx, "f", map[string]string{"FifoQueue": "true"}, nil); code(err) != queues.CodeInvalidParameter {
		t.Errorf("FIFO queue without .fifo: %v", err)
	}
	if _, err := s.Create(ctx, "f.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(ctx, "f.fifo", queues.Message{Body: "x"}); code(err) != queues.CodeMissingParameter {
		t.Errorf("no group id: %v", err)
	}
	first, err := s.Send(ctx, "f.fifo", queues.Message{Body: "a1", MessageGroupID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	dup, err := s.Send(ctx, "f.fifo", queues.Message{Body: "a1", MessageGroupID: "a"})
	if err != nil || dup.MessageID != first.MessageID {
		t.Errorf("duplicate send: %+v %v, want id %s", dup, err, first.MessageID)
	}
	for _, m := range []queues.Message{{Body: "a2", MessageGroupID: "a"}, {Body: "b1", MessageGroupID: "b"}} {
		if _, err := s.Send(ctx, "f.fifo", m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Receive(ctx, "f.fifo", queues.ReceiveOptions{Max: 10})
	if err != nil || len(got) != 2 || got[0].Body != "a1" || got[1].Body != "b1" {
		t.Fatalf("first receive: %+v %v", got, err)
	}
	// Group a is blocked while a1 is in flight.
	if more, _ := s.Receive(ctx, "f.fifo", queues.ReceiveOptions{Max: 10}); len(more) != 0 {
		t.Fatalf("received %+v while groups are in flight", more)
	}
	if err := s.DeleteMessage(ctx, "f.fifo", got[0].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	next, err := s.Receive(ctx, "f.fifo", queues.ReceiveOptions{Max: 10, Wait: ptr(2 * time.Second)})
	if err != nil || len(next) != 1 || next[0].Body != "a2" {
		t.Fatalf("after delete: %+v %v", next, err)
	}
}
