package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"gust/internal/gusttest"
)

func eventBridgeClient(srv *gusttest.Server) *eventbridge.Client {
	return eventbridge.New(eventbridge.Options{
		Region:           gusttest.Region,
		BaseEndpoint:     aws.String(srv.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

// matchedRules returns the names the functions reported as {"matched": name}
// for one event id, sorted.
func matchedRules(col *collector, id string) []string {
	var out []string
	for _, r := range col.matching(func(r map[string]any) bool { return r["id"] == id && r["matched"] != nil }) {
		out = append(out, r["matched"].(string))
	}
	sort.Strings(out)
	return out
}

func TestEventBridgeBuses(t *testing.T) {
	srv, _, col := startAsyncServer(t)
	ctx := gusttest.Context(t)
	eb := eventBridgeClient(srv)
	const workerARN = "arn:aws:lambda:us-east-1:000000000000:function:worker"

	// Buses: CLI v1 creates, CLI v2 describes and lists, boto3 sees the
	// duplicate refused.
	created := mustAWSCLI(t, srv, cliV1, "events", "create-event-bus", "--name", "orders", "--tags", "Key=team,Value=shop")
	busARN := "arn:aws:events:us-east-1:000000000000:event-bus/orders"
	if created["EventBusArn"] != busARN {
		t.Fatalf("create-event-bus: %v", created)
	}
	if d := mustAWSCLI(t, srv, cliV2, "events", "describe-event-bus", "--name", "orders"); d["Name"] != "orders" || d["Arn"] != busARN {
		t.Errorf("describe-event-bus: %v", d)
	}
	if d := mustAWSCLI(t, srv, cliV2, "events", "describe-event-bus"); d["Name"] != "default" || d["Arn"] != "arn:aws:events:us-east-1:000000000000:event-bus/default" {
		t.Errorf("describe default bus: %v", d)
	}
	listed := mustAWSCLI(t, srv, cliV1, "events", "list-event-buses")
	if names := fmt.Sprint(listed["EventBuses"]); !strings.Contains(names, "Name:default") || !strings.Contains(names, "Name:orders") {
		t.Errorf("list-event-buses: %v", listed)
	}
	out := runPython(t, srv, pythonNew, `
import boto3
from botocore.exceptions import ClientError
c = boto3.client("events")
try:
    c.create_event_bus(Name="orders")
except ClientError as e:
    print(e.response["Error"]["Code"], e.response["Error"]["Message"])
`)
	if strings.TrimSpace(out) != "ResourceAlreadyExistsException Event bus orders already exists." {
		t.Errorf("duplicate bus: %s", out)
	}

	// One rule per operator on the custom bus, each telling the worker
	// its name through an InputTransformer.
	patterns := map[string]string{
		"exact":       `{"source": ["shop"], "detail-type": ["Order Placed"]}`,
		"prefix":      `{"detail": {"customer": [{"prefix": "vip-"}]}}`,
		"suffix":      `{"detail": {"file": [{"suffix": ".pdf"}]}}`,
		"anythingbut": `{"source": ["shop"], "detail": {"state": [{"anything-but": ["cancelled", "draft"]}]}}`,
		"numeric":     `{"detail": {"amount": [{"numeric": [">", 100, "<=", 1000]}]}}`,
		"exists":      `{"source": ["shop"], "detail": {"coupon": [{"exists": false}]}}`,
		"cidr":        `{"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}`,
		"ignorecase":  `{"detail": {"country": [{"equals-ignore-case": "fr"}]}}`,
		"wildcard":    `{"detail": {"path": [{"wildcard": "/orders/*/items"}]}}`,
		"or":          `{"$or": [{"detail": {"amount": [{"numeric": [">", 5000]}]}}, {"detail": {"priority": [true]}}]}`,
	}
	// One script creates them all (a CLI per call would take minutes).
	spec, _ := json.Marshal(patterns)
	if out := runPython(t, srv, pythonNew, `
import boto3, json, sys
c = boto3.client("events")
failed = 0
for name, pattern in json.loads(sys.argv[1]).items():
    c.put_rule(Name=name, EventBusName="orders", EventPattern=pattern)
    template = '{"matched": "%s", "id": <id>}' % name
    r = c.put_targets(Rule=name, EventBusName="orders", Targets=[{"Id": "w", "Arn": sys.argv[2],
        "InputTransformer": {"InputPathsMap": {"id": "$.id"}, "InputTemplate": template}}])
    failed += r["FailedEntryCount"]
print(failed)
`, string(spec), workerARN); strings.TrimSpace(out) != "0" {
		t.Fatalf("creating the rules: %s", out)
	}
	events := []struct {
		detail string
		want   []string
	}{
		{`{"customer": "vip-1", "file": "a.pdf", "state": "paid", "amount": 250, "ip": "10.1.2.3", "country": "FR", "path": "/orders/7/items"}`,
			[]string{"anythingbut", "cidr", "exact", "exists", "ignorecase", "numeric", "prefix", "suffix", "wildcard"}},
		{`{"customer": "c-2", "file": "a.txt", "state": "cancelled", "amount": 9000, "ip": "192.168.1.1", "country": "de", "path": "/orders/7/x", "coupon": "X"}`,
			[]string{"exact", "or"}},
	}
	var ids []string
	entries := []ebtypes.PutEventsRequestEntry{}
	for _, e := range events {
		entries = append(entries, ebtypes.PutEventsRequestEntry{EventBusName: aws.String("orders"), Source: aws.String("shop"), DetailType: aws.String("Order Placed"), Detail: aws.String(e.detail)})
	}
	entries = append(entries, ebtypes.PutEventsRequestEntry{EventBusName: aws.String("orders"), Source: aws.String("shop"), DetailType: aws.String("x"), Detail: aws.String("not json")})
	put, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if put.FailedEntryCount != 1 || aws.ToString(put.Entries[2].ErrorCode) != "MalformedDetail" || aws.ToString(put.Entries[2].ErrorMessage) != "Detail is malformed." {
		t.Fatalf("PutEvents: %d failed, %+v", put.FailedEntryCount, put.Entries[2])
	}
	for i, e := range events {
		id := aws.ToString(put.Entries[i].EventId)
		ids = append(ids, id)
		gusttest.WaitFor(t, 60*time.Second, fmt.Sprintf("event %d's %d rules", i, len(e.want)), func() bool {
			return len(matchedRules(col, id)) >= len(e.want)
		})
	}
	// A marker published after them on the same rules proves no further
	// match is still on its way.
	marker, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{EventBusName: aws.String(busARN), Source: aws.String("shop"), DetailType: aws.String("Order Placed"), Detail: aws.String(`{"state": "paid", "coupon": "y"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	markerID := aws.ToString(marker.Entries[0].EventId)
	gusttest.WaitFor(t, 60*time.Second, "the marker", func() bool { return len(matchedRules(col, markerID)) >= 2 })
	for i, e := range events {
		if got := matchedRules(col, ids[i]); fmt.Sprint(got) != fmt.Sprint(e.want) {
			t.Errorf("event %d matched %v, want %v", i, got, e.want)
		}
	}

	m := scrapeMetrics(t, srv)
	if m[`gust_events_messages_total{bus="orders",event="published"}`] != 3 || m[`gust_events_messages_total{bus="orders",event="delivered"}`] < 11 {
		t.Errorf("bus counters: published %v, delivered %v", m[`gust_events_messages_total{bus="orders",event="published"}`], m[`gust_events_messages_total{bus="orders",event="delivered"}`])
	}

	t.Run("input transformer, SNS and bus targets", func(t *testing.T) {
		// A rule on the custom bus forwards to the default bus; a rule
		// there transforms the event for the worker, another publishes it
		// to an SNS topic whose Lambda subscriber is the recorder.
		mustAWSCLI(t, srv, cliV2, "events", "put-rule", "--name", "forward", "--event-bus-name", "orders", "--event-pattern", `{"detail-type": ["Forward Me"]}`)
		mustAWSCLI(t, srv, cliV2, "events", "put-targets", "--rule", "forward", "--event-bus-name", "orders", "--targets",
			`[{"Id":"bus","Arn":"arn:aws:events:us-east-1:000000000000:event-bus/default"}]`)
		topic := mustAWSCLI(t, srv, cliV1, "sns", "create-topic", "--name", "events-out")["TopicArn"].(string)
		mustAWSCLI(t, srv, cliV1, "sns", "subscribe", "--topic-arn", topic, "--protocol", "lambda", "--notification-endpoint", recorderARN)
		out := runPython(t, srv, pythonDebian, `
import boto3, os, sys, json
c = boto3.client("events", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
c.put_rule(Name="transform", EventPattern=json.dumps({"detail-type": ["Forward Me"], "source": [{"prefix": "sh"}]}))
r = c.put_targets(Rule="transform", Targets=[
  {"Id": "w", "Arn": sys.argv[1], "InputTransformer": {
     "InputPathsMap": {"src": "$.source", "amt": "$.detail.amount", "items": "$.detail.items", "missing": "$.detail.nope"},
     "InputTemplate": '{"matched": "transform", "from": <src>, "amount": <amt>, "items": <items>, "text": "order of <amt> from <src>", "rule": "<aws.events.rule-name>", "none": <missing>}'}},
  {"Id": "t", "Arn": sys.argv[2], "InputPath": "$.detail"}])
print(r["FailedEntryCount"])
`, workerARN, topic)
		if strings.TrimSpace(out) != "0" {
			t.Fatalf("put_targets: %s", out)
		}
		if _, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{EventBusName: aws.String("orders"),
			Source: aws.String("shop"), DetailType: aws.String("Forward Me"), Detail: aws.String(`{"amount": 12.5, "items": ["a", "b"]}`)}}}); err != nil {
			t.Fatal(err)
		}
		got := col.waitFor(t, "the transformed input", 1, func(r map[string]any) bool { return r["matched"] == "transform" })[0]
		want := map[string]any{"matched": "transform", "from": "shop", "amount": 12.5, "items": []any{"a", "b"}, "text": "order of 12.5 from shop", "rule": "transform", "none": nil}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("transformed input %v, want %v", got, want)
		}
		rec := waitSNSRecord(t, col, "the event published to SNS", func(rec, s map[string]any) bool { return s["TopicArn"] == topic })
		var detail map[string]any
		if err := json.Unmarshal([]byte(rec["Sns"].(map[string]any)["Message"].(string)), &detail); err != nil || detail["amount"] != 12.5 {
			t.Errorf("SNS message from the rule: %v (%v)", rec["Sns"], err)
		}
	})

	t.Run("a failing target goes to its dead-letter queue", func(t *testing.T) {
		mustAWSCLI(t, srv, cliV1, "sqs", "create-queue", "--queue-name", "events-dlq")
		mustAWSCLI(t, srv, cliV1, "events", "put-rule", "--name", "doomed", "--event-bus-name", "orders", "--event-pattern", `{"detail-type": ["Doom"]}`)
		res := mustAWSCLI(t, srv, cliV2, "events", "put-targets", "--rule", "doomed", "--event-bus-name", "orders", "--targets",
			`[{"Id":"gone","Arn":"arn:aws:lambda:us-east-1:000000000000:function:missing","RetryPolicy":{"MaximumRetryAttempts":1},"DeadLetterConfig":{"Arn":"arn:aws:sqs:us-east-1:000000000000:events-dlq"}}]`)
		if res["FailedEntryCount"] != float64(0) {
			t.Fatalf("put-targets: %v", res)
		}
		put, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{EventBusName: aws.String("orders"),
			Source: aws.String("shop"), DetailType: aws.String("Doom"), Detail: aws.String(`{"coupon": "z"}`)}}})
		if err != nil {
			t.Fatal(err)
		}
		m := receiveSQS(t, srv, pythonNew, "events-dlq", 1)[0]
		var ev map[string]any
		if err := json.Unmarshal([]byte(m["Body"].(string)), &ev); err != nil || ev["id"] != aws.ToString(put.Entries[0].EventId) || ev["detail-type"] != "Doom" {
			t.Errorf("dead letter body: %v (%v)", m["Body"], err)
		}
		attrs := m["MessageAttributes"].(map[string]any)
		attr := func(k string) any {
			if a, ok := attrs[k].(map[string]any); ok {
				return a["StringValue"]
			}
			return nil
		}
		if attr("RULE_ARN") != "arn:aws:events:us-east-1:000000000000:rule/orders/doomed" || attr("TARGET_ARN") != "arn:aws:lambda:us-east-1:000000000000:function:missing" ||
			attr("ERROR_CODE") == nil || attr("ERROR_MESSAGE") == nil {
			t.Errorf("dead letter attributes: %v", attrs)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		cases := []struct {
			cli  string
			args []string
			want string
		}{
			{cliV1, []string{"events", "put-rule", "--name", "bad", "--event-pattern", `{"source": "shop"}`},
				"(InvalidEventPatternException) when calling the PutRule operation: Event pattern is not valid. Reason: \"source\" must be an object or an array\n at [Source: (String)\"{\"source\": \"shop\"}\"; line: 1, column: 13]"},
			{cliV2, []string{"events", "put-rule", "--name", "bad", "--event-pattern", `{"a": [{"numeric": [">", "x"]}]}`}, "Event pattern is not valid. Reason: Value of > must be numeric"},
			{cliV1, []string{"events", "put-rule", "--name", "bad", "--event-pattern", `{"a": [{"wildcard": "a**"}]}`}, "Reason: Consecutive wildcard characters at pos 2"},
			{cliV2, []string{"events", "put-rule", "--name", "bad", "--event-bus-name", "nope", "--event-pattern", `{"a": ["b"]}`}, "(ResourceNotFoundException)"},
			{cliV1, []string{"events", "create-event-bus", "--name", "default"}, "(ValidationException)"},
		}
		for _, c := range cases {
			out, err := awsCLI(t, srv, c.cli, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %v: %v %s, want %q", c.cli, c.args, err, out, c.want)
			}
		}
		if _, err := awsCLI(t, srv, cliV1, "events", "describe-rule", "--name", "bad", "--event-bus-name", "orders"); err == nil {
			t.Errorf("a refused rule was stored")
		}
		ev := `{"id": "1", "account": "000000000000", "source": "shop", "time": "2026-01-01T00:00:00Z", "region": "us-east-1", "detail-type": "x", "resources": [], "detail": {"n": 5}}`
		for pattern, want := range map[string]bool{`{"detail": {"n": [{"numeric": [">", 4]}]}}`: true, `{"detail": {"n": [{"numeric": ["<", 4]}]}}`: false} {
			res := mustAWSCLI(t, srv, cliV2, "events", "test-event-pattern", "--event-pattern", pattern, "--event", ev)
			if res["Result"] != want {
				t.Errorf("test-event-pattern %s: %v, want %v", pattern, res, want)
			}
		}
		big := strings.Repeat("x", 256*1024)
		_, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{Source: aws.String("s"), DetailType: aws.String("d"), Detail: aws.String(`{"x": "` + big + `"}`)}}})
		if err == nil || !strings.Contains(err.Error(), "ValidationException") || !strings.Contains(err.Error(), "Total size of the entries in the request is over the limit.") {
			t.Errorf("oversized PutEvents: %v", err)
		}
	})

	t.Run("tags", func(t *testing.T) {
		ruleARN := "arn:aws:events:us-east-1:000000000000:rule/orders/exact"
		mustAWSCLI(t, srv, cliV1, "events", "tag-resource", "--resource-arn", ruleARN, "--tags", "Key=a,Value=1", "Key=b,Value=2")
		mustAWSCLI(t, srv, cliV2, "events", "untag-resource", "--resource-arn", ruleARN, "--tag-keys", "b")
		if tags := mustAWSCLI(t, srv, cliV1, "events", "list-tags-for-resource", "--resource-arn", ruleARN); fmt.Sprint(tags["Tags"]) != "[map[Key:a Value:1]]" {
			t.Errorf("rule tags: %v", tags)
		}
		if tags := mustAWSCLI(t, srv, cliV2, "events", "list-tags-for-resource", "--resource-arn", busARN); fmt.Sprint(tags["Tags"]) != "[map[Key:team Value:shop]]" {
			t.Errorf("bus tags: %v", tags)
		}
		mustAWSCLI(t, srv, cliV1, "events", "put-rule", "--name", "tagged", "--event-pattern", `{"source": ["t"]}`, "--tags", "Key=k,Value=v")
		if tags := mustAWSCLI(t, srv, cliV1, "events", "list-tags-for-resource", "--resource-arn", "arn:aws:events:us-east-1:000000000000:rule/tagged"); fmt.Sprint(tags["Tags"]) != "[map[Key:k Value:v]]" {
			t.Errorf("put-rule tags: %v", tags)
		}
		if d := mustAWSCLI(t, srv, cliV2, "events", "describe-rule", "--name", "exact", "--event-bus-name", "orders"); d["Arn"] != ruleARN || d["EventBusName"] != "orders" || d["EventPattern"] != patterns["exact"] {
			t.Errorf("describe-rule: %v", d)
		}
	})

	t.Run("nothing lost across kill -9", func(t *testing.T) {
		var sent []string
		for i := 0; i < 3; i++ {
			out, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{EventBusName: aws.String("orders"),
				Source: aws.String("shop"), DetailType: aws.String("Order Placed"), Detail: aws.String(`{"coupon": "k"}`)}}})
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, aws.ToString(out.Entries[0].EventId))
		}
		srv.Kill()
		srv.Start()
		for _, id := range sent {
			gusttest.WaitFor(t, 60*time.Second, "event "+id+" after the restart", func() bool { return len(matchedRules(col, id)) >= 1 })
		}
	})
}
