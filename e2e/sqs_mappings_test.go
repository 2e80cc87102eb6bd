package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"gust/internal/gusttest"
)

// sqsClient is an aws-sdk-go-v2 SQS client (JSON protocol) for srv.
func sqsClient(srv *gusttest.Server) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:           gusttest.Region,
		BaseEndpoint:     aws.String(srv.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

// createQueue creates a queue and returns its URL and ARN.
func createQueue(t testing.TB, c *sqs.Client, name string, attrs map[string]string) (string, string) {
	t.Helper()
	ctx := gusttest.Context(t)
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	return *out.QueueUrl, a.Attributes["QueueArn"]
}

// queueCounts reads visible and in-flight counts.
func queueCounts(t testing.TB, c *sqs.Client, url string) (int, int) {
	t.Helper()
	a, err := c.GetQueueAttributes(gusttest.Context(t), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := strconv.Atoi(a.Attributes["ApproximateNumberOfMessages"])
	f, _ := strconv.Atoi(a.Attributes["ApproximateNumberOfMessagesNotVisible"])
	return v, f
}

// createMapping creates an SQS mapping and waits until it is Enabled.
func createMapping(t testing.TB, c *lambda.Client, fn, queueARN string, mutate ...func(*lambda.CreateEventSourceMappingInput)) string {
	t.Helper()
	in := &lambda.CreateEventSourceMappingInput{FunctionName: aws.String(fn), EventSourceArn: aws.String(queueARN), BatchSize: aws.Int32(10),
		FunctionResponseTypes: []ltypes.FunctionResponseType{ltypes.FunctionResponseTypeReportBatchItemFailures}}
	for _, m := range mutate {
		m(in)
	}
	out, err := c.CreateEventSourceMapping(gusttest.Context(t), in)
	if err != nil {
		t.Fatalf("CreateEventSourceMapping: %v", err)
	}
	if *out.State != "Creating" {
		t.Errorf("new mapping in state %s, want Creating", *out.State)
	}
	waitMappingState(t, c, *out.UUID, "Enabled")
	return *out.UUID
}

func waitMappingState(t testing.TB, c *lambda.Client, uuid, state string) {
	t.Helper()
	gusttest.WaitFor(t, 20*time.Second, "mapping "+state, func() bool {
		m, err := c.GetEventSourceMapping(gusttest.Context(t), &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)})
		return err == nil && *m.State == state
	})
}

// reportedRecords flattens the records the consumers reported, for one
// queue ARN.
func reportedRecords(col *collector, fn, queueARN string) []map[string]any {
	var out []map[string]any
	for _, r := range col.matching(func(r map[string]any) bool { return r["fn"] == fn }) {
		ev, _ := r["event"].(map[string]any)
		recs, _ := ev["Records"].([]any)
		for _, rec := range recs {
			m, _ := rec.(map[string]any)
			if m["eventSourceARN"] == queueARN {
				out = append(out, m)
			}
		}
	}
	return out
}

func bodies(recs []map[string]any) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r["body"].(string))
	}
	return out
}

func sendBodies(t testing.TB, c *sqs.Client, url string, group string, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(b)}
		if group != "" {
			in.MessageGroupId = aws.String(group)
			in.MessageDeduplicationId = aws.String(group + "-" + b)
		}
		if _, err := c.SendMessage(gusttest.Context(t), in); err != nil {
			t.Fatalf("SendMessage %q: %v", b, err)
		}
	}
}

// TestSQSMappings runs a Python and a Go function behind event source
// mappings on one server: the event's shape, partial batch failures, a
// poison message reaching the DLQ, FIFO order per group, and disabling.
func TestSQSMappings(t *testing.T) {
	col := newCollector(t)
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	lc, qc := srv.Lambda(), sqsClient(srv)
	env := &ltypes.Environment{Variables: map[string]string{"REPORT_URL": col.URL}}
	// A generous timeout: a timed-out batch would be retried whole, and
	// the test counts deliveries.
	setup := func(in *lambda.CreateFunctionInput) { in.Environment, in.Timeout = env, aws.Int32(60) }
	createRuntimeFunction(t, lc, "pyconsumer", pythonRuntime(t), "app.handler", fixtureZip(t, "sqspyfn"), setup)
	createFunction(t, lc, "goconsumer", makeZip(t, zipFile{Name: "bootstrap", Body: goBinary(t, "./e2e/fixtures/sqsgofn"), Mode: 0o755}), setup)

	t.Run("python-partial-failure-and-dlq", func(t *testing.T) {
		t.Parallel()
		_, dlqARN := createQueue(t, qc, "py-dlq", nil)
		url, arn := createQueue(t, qc, "py-in", map[string]string{"VisibilityTimeout": "1",
			"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":2}`, dlqARN)})
		createMapping(t, lc, "pyconsumer", arn)
		sent, err := qc.SendMessage(gusttest.Context(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("first"),
			MessageAttributes: map[string]types.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("greeting")}}})
		if err != nil {
			t.Fatal(err)
		}
		sendBodies(t, qc, url, "", "ok-2", "fail-3")
		waitDLQ := func(n int) {
			gusttest.WaitFor(t, 60*time.Second, fmt.Sprintf("%d messages in the DLQ", n), func() bool {
				v, _ := queueCounts(t, qc, dlqQueueURL(srv, "py-dlq"))
				return v == n
			})
			gusttest.WaitFor(t, 10*time.Second, "source queue empty", func() bool {
				v, f := queueCounts(t, qc, url)
				return v == 0 && f == 0
			})
		}
		waitDLQ(1) // fail-3, reported as a batch item failure twice
		count := func() map[string]int {
			c := map[string]int{}
			for _, b := range bodies(reportedRecords(col, "python", arn)) {
				c[b]++
			}
			return c
		}
		// Only the failed item was retried: first and ok-2 were deleted
		// after one delivery.
		if c := count(); c["first"] != 1 || c["ok-2"] != 1 || c["fail-3"] != 2 {
			t.Errorf("deliveries per body after a partial failure: %v", c)
		}
		sendBodies(t, qc, url, "", "raise")
		waitDLQ(2) // the poison message, after maxReceiveCount function errors
		if c := count(); c["raise"] != 2 {
			t.Errorf("poison message delivered %d times, want maxReceiveCount 2", c["raise"])
		}
		recs := reportedRecords(col, "python", arn)
		var first map[string]any
		for _, r := range recs {
			if r["messageId"] == *sent.MessageId {
				first = r
			}
		}
		if first == nil {
			t.Fatalf("first message never reached the function: %v", bodies(recs))
		}
		checkSQSRecord(t, first, arn, "first")
		if attr := first["messageAttributes"].(map[string]any)["kind"].(map[string]any); attr["stringValue"] != "greeting" || attr["dataType"] != "String" {
			t.Errorf("messageAttributes.kind = %v", attr)
		}
	})

	t.Run("go-fifo-order", func(t *testing.T) {
		t.Parallel()
		url, arn := createQueue(t, qc, "go-in.fifo", map[string]string{"FifoQueue": "true"})
		createMapping(t, lc, "goconsumer", arn, func(in *lambda.CreateEventSourceMappingInput) {
			in.ScalingConfig = &ltypes.ScalingConfig{MaximumConcurrency: aws.Int32(4)}
		})
		var wg sync.WaitGroup
		for _, g := range []string{"a", "b", "c"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 8 {
					sendBodies(t, qc, url, g, fmt.Sprintf("%s-%02d", g, i))
				}
			}()
		}
		wg.Wait()
		gusttest.WaitFor(t, 60*time.Second, "24 FIFO messages consumed", func() bool { return len(reportedRecords(col, "go", arn)) >= 24 })
		perGroup := map[string][]string{}
		for _, r := range reportedRecords(col, "go", arn) {
			g := r["attributes"].(map[string]any)["MessageGroupId"].(string)
			perGroup[g] = append(perGroup[g], r["body"].(string))
		}
		for g, got := range perGroup {
			if !slices.IsSorted(got) || len(got) != 8 {
				t.Errorf("group %s processed as %v, want 8 in order", g, got)
			}
		}
	})

	t.Run("disable-stops-delivery", func(t *testing.T) {
		t.Parallel()
		url, arn := createQueue(t, qc, "toggle", nil)
		uuid := createMapping(t, lc, "goconsumer", arn)
		sendBodies(t, qc, url, "", "before")
		gusttest.WaitFor(t, 20*time.Second, "delivery while enabled", func() bool { return len(reportedRecords(col, "go", arn)) == 1 })
		out, err := lc.UpdateEventSourceMapping(gusttest.Context(t), &lambda.UpdateEventSourceMappingInput{UUID: aws.String(uuid), Enabled: aws.Bool(false)})
		if err != nil {
			t.Fatal(err)
		}
		if *out.State != "Disabling" {
			t.Errorf("state after disabling: %s", *out.State)
		}
		waitMappingState(t, lc, uuid, "Disabled")
		sendBodies(t, qc, url, "", "while-disabled")
		time.Sleep(3 * time.Second) // a delivery would take milliseconds
		if got := bodies(reportedRecords(col, "go", arn)); len(got) != 1 {
			t.Fatalf("delivered while disabled: %v", got)
		}
		if v, _ := queueCounts(t, qc, url); v != 1 {
			t.Errorf("queue holds %d visible messages while disabled, want 1", v)
		}
		if _, err := lc.UpdateEventSourceMapping(gusttest.Context(t), &lambda.UpdateEventSourceMappingInput{UUID: aws.String(uuid), Enabled: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		gusttest.WaitFor(t, 20*time.Second, "delivery after enabling", func() bool { return len(reportedRecords(col, "go", arn)) == 2 })
		del, err := lc.DeleteEventSourceMapping(gusttest.Context(t), &lambda.DeleteEventSourceMappingInput{UUID: aws.String(uuid)})
		if err != nil || *del.State != "Deleting" {
			t.Fatalf("DeleteEventSourceMapping: %v %v", del, err)
		}
		gusttest.WaitFor(t, 20*time.Second, "mapping deleted", func() bool {
			_, err := lc.GetEventSourceMapping(gusttest.Context(t), &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)})
			return apiErrorCode(err) == "ResourceNotFoundException"
		})
	})

	t.Run("filter-criteria", func(t *testing.T) {
		t.Parallel()
		url, arn := createQueue(t, qc, "filtered", nil)
		uuid := createMapping(t, lc, "goconsumer", arn, func(in *lambda.CreateEventSourceMappingInput) {
			in.FilterCriteria = &ltypes.FilterCriteria{Filters: []ltypes.Filter{{Pattern: aws.String(`{"body":{"kind":["keep"]}}`)}}}
		})
		m, err := lc.GetEventSourceMapping(gusttest.Context(t), &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)})
		if err != nil || len(m.FilterCriteria.Filters) != 1 || *m.FilterCriteria.Filters[0].Pattern != `{"body":{"kind":["keep"]}}` {
			t.Errorf("GetEventSourceMapping FilterCriteria: %+v %v", m, err)
		}
		sendBodies(t, qc, url, "", `{"kind":"drop"}`, "plain text", `{"kind":"keep","n":1}`)
		gusttest.WaitFor(t, 20*time.Second, "filtered queue drained", func() bool {
			v, f := queueCounts(t, qc, url)
			return v == 0 && f == 0 && len(reportedRecords(col, "go", arn)) >= 1
		})
		if got := bodies(reportedRecords(col, "go", arn)); len(got) != 1 || got[0] != `{"kind":"keep","n":1}` {
			t.Errorf("delivered through the filter: %v", got)
		}
	})

	t.Run("api-errors", func(t *testing.T) {
		t.Parallel()
		_, arn := createQueue(t, qc, "errs", nil)
		_, farn := createQueue(t, qc, "errs.fifo", map[string]string{"FifoQueue": "true"})
		ctx := gusttest.Context(t)
		for _, c := range []struct {
			in   *lambda.CreateEventSourceMappingInput
			code string
		}{
			{&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("nope"), EventSourceArn: aws.String(arn)}, "ResourceNotFoundException"},
			{&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("goconsumer"), EventSourceArn: aws.String(arn + "-missing")}, "InvalidParameterValueException"},
			{&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("goconsumer"), EventSourceArn: aws.String(arn), BatchSize: aws.Int32(100)}, "InvalidParameterValueException"},
			{&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("goconsumer"), EventSourceArn: aws.String(farn), BatchSize: aws.Int32(11)}, "InvalidParameterValueException"},
			{&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("goconsumer"), EventSourceArn: aws.String(arn), ScalingConfig: &ltypes.ScalingConfig{MaximumConcurrency: aws.Int32(1)}}, "ValidationException"},
			{&lambda.CreateEventSourceMappingInput{FunctionName: aws.String("goconsumer"), EventSourceArn: aws.String(arn), FilterCriteria: &ltypes.FilterCriteria{Filters: []ltypes.Filter{{Pattern: aws.String(`{"body":`)}}}}, "InvalidParameterValueException"},
		} {
			if _, err := lc.CreateEventSourceMapping(ctx, c.in); apiErrorCode(err) != c.code {
				t.Errorf("CreateEventSourceMapping(%s, batch %v): %v, want %s", aws.ToString(c.in.EventSourceArn), c.in.BatchSize, err, c.code)
			}
		}
		createMapping(t, lc, "pyconsumer", arn)
		if _, err := lc.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{FunctionName: aws.String("pyconsumer"), EventSourceArn: aws.String(arn)}); apiErrorCode(err) != "ResourceConflictException" {
			t.Errorf("duplicate mapping: %v", err)
		}
		list, err := lc.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn)})
		if err != nil || len(list.EventSourceMappings) != 1 || *list.EventSourceMappings[0].FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:pyconsumer" {
			t.Errorf("ListEventSourceMappings: %+v %v", list, err)
		}
		if _, err := lc.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String("00000000-0000-0000-0000-000000000000")}); apiErrorCode(err) != "ResourceNotFoundException" {
			t.Errorf("GetEventSourceMapping of nothing: %v", err)
		}
	})
}

func dlqQueueURL(srv *gusttest.Server, name string) string {
	return srv.Endpoint + "/000000000000/" + name
}

// checkSQSRecord compares a record with Lambda's SQS event record, key for
// key.
func checkSQSRecord(t *testing.T, r map[string]any, arn, body string) {
	t.Helper()
	var keys []string
	for k := range r {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"attributes", "awsRegion", "body", "eventSource", "eventSourceARN", "md5OfBody", "md5OfMessageAttributes", "messageAttributes", "messageId", "receiptHandle"}
	if !slices.Equal(keys, want) {
		t.Errorf("record keys %v, want %v", keys, want)
	}
	if r["eventSource"] != "aws:sqs" || r["eventSourceARN"] != arn || r["awsRegion"] != "us-east-1" || r["body"] != body {
		t.Errorf("record %v", r)
	}
	attrs := r["attributes"].(map[string]any)
	for _, k := range []string{"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} {
		if _, ok := attrs[k].(string); !ok {
			t.Errorf("attributes lack %s: %v", k, attrs)
		}
	}
}

var _ = context.Background
