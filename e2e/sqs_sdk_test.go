package e2e

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"gust/internal/gusttest"
)

// TestSQSGoSDK drives SQS with aws-sdk-go-v2 (JSON protocol, which checks
// MD5s of what it sends and receives) and its typed errors.
func TestSQSGoSDK(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := sqsClient(srv)
	ctx := gusttest.Context(t)
	url, _ := createQueue(t, c, "sdk", map[string]string{"VisibilityTimeout": "10"})
	var entries []types.SendMessageBatchRequestEntry
	for i := range 10 {
		entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(fmt.Sprintf("m%d", i)),
			MessageAttributes: map[string]types.MessageAttributeValue{"i": {DataType: aws.String("Number"), StringValue: aws.String(fmt.Sprint(i))}}})
	}
	sent, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil || len(sent.Successful) != 10 || len(sent.Failed) != 0 {
		t.Fatalf("SendMessageBatch: %+v %v", sent, err)
	}
	metrics := func() string {
		resp, err := http.Get(srv.Endpoint + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if m := metrics(); !strings.Contains(m, `gust_sqs_messages{queue="sdk",state="visible"} 10`) || !strings.Contains(m, `gust_sqs_oldest_message_age_seconds{queue="sdk"}`) {
		t.Errorf("/metrics lacks the queue's depth:\n%s", grepLines(m, "gust_sqs"))
	}
	seen := map[string]bool{}
	for len(seen) < 10 {
		got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) == 0 {
			t.Fatalf("received %d of 10", len(seen))
		}
		var del []types.DeleteMessageBatchRequestEntry
		for i, m := range got.Messages {
			if seen[*m.Body] {
				t.Errorf("%s received twice", *m.Body)
			}
			seen[*m.Body] = true
			if *m.Body != "m"+*m.MessageAttributes["i"].StringValue {
				t.Errorf("message %s with attribute %v", *m.Body, *m.MessageAttributes["i"].StringValue)
			}
			del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
		}
		res, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: del})
		if err != nil || len(res.Failed) != 0 {
			t.Fatalf("DeleteMessageBatch: %+v %v", res, err)
		}
	}
	if v, f := queueCounts(t, c, url); v != 0 || f != 0 {
		t.Errorf("after deleting all: %d visible, %d in flight", v, f)
	}
	if m := metrics(); !strings.Contains(m, `gust_sqs_messages{queue="sdk",state="visible"} 0`) || !strings.Contains(m, `gust_sqs_messages{queue="sdk",state="in_flight"} 0`) {
		t.Errorf("/metrics after deleting all:\n%s", grepLines(m, "gust_sqs"))
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	var noQueue *types.QueueDoesNotExist
	if !errors.As(err, &noQueue) {
		t.Errorf("GetQueueUrl of a missing queue: %T %v, want *types.QueueDoesNotExist", err, err)
	}
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("sdk"), Attributes: map[string]string{"VisibilityTimeout": "11"}})
	var exists *types.QueueNameExists
	if !errors.As(err, &exists) {
		t.Errorf("CreateQueue with other attributes: %T %v, want *types.QueueNameExists", err, err)
	}
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("forged")})
	var badHandle *types.ReceiptHandleIsInvalid
	if !errors.As(err, &badHandle) {
		t.Errorf("DeleteMessage with a forged handle: %T %v", err, err)
	}
	if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("x")}, {Id: aws.String("a"), MessageBody: aws.String("y")}}}); !errors.As(err, new(*types.BatchEntryIdsNotDistinct)) {
		t.Errorf("repeated batch ids: %T %v", err, err)
	}
}

// TestSQSCrashLosesNothing kills the server (SIGKILL) while a mapping has
// messages in flight; after a restart every message is delivered at least
// once. Duplicates are counted and logged.
func TestSQSCrashLosesNothing(t *testing.T) {
	col := newCollector(t)
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	lc, qc := srv.Lambda(), sqsClient(srv)
	createFunction(t, lc, "slowconsumer", makeZip(t, zipFile{Name: "bootstrap", Body: goBinary(t, "./e2e/fixtures/sqsgofn"), Mode: 0o755}),
		func(in *lambda.CreateFunctionInput) {
			in.Environment = &ltypes.Environment{Variables: map[string]string{"REPORT_URL": col.URL}}
		})
	url, arn := createQueue(t, qc, "crash", map[string]string{"VisibilityTimeout": "3"})
	createMapping(t, lc, "slowconsumer", arn, func(in *lambda.CreateEventSourceMappingInput) { in.BatchSize = aws.Int32(2) })
	const n = 30
	ids := map[string]bool{}
	for range n {
		out, err := qc.SendMessage(gusttest.Context(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("slow")})
		if err != nil {
			t.Fatal(err)
		}
		ids[*out.MessageId] = true
	}
	gusttest.WaitFor(t, 30*time.Second, "first deliveries", func() bool { return len(reportedRecords(col, "go", arn)) >= 2 })
	srv.Kill()
	before := len(reportedRecords(col, "go", arn))
	srv.Start()
	delivered := func() map[string]int {
		got := map[string]int{}
		for _, r := range reportedRecords(col, "go", arn) {
			got[r["messageId"].(string)]++
		}
		return got
	}
	gusttest.WaitFor(t, 90*time.Second, "every message delivered after the crash", func() bool { return len(delivered()) == n })
	dups := 0
	for id, k := range delivered() {
		if !ids[id] {
			t.Errorf("delivered unknown message %s", id)
		}
		dups += k - 1
	}
	t.Logf("%d messages, %d delivered before the kill, %d duplicate deliveries in all", n, before, dups)
	qc = sqsClient(srv)
	gusttest.WaitFor(t, 20*time.Second, "queue empty", func() bool {
		v, f := queueCounts(t, qc, url)
		return v == 0 && f == 0
	})
}

// grepLines keeps the lines of s that contain substr.
func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
