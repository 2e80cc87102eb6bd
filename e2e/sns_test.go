package e2e

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"gust/internal/gusttest"
)

func snsClient(srv *gusttest.Server) *sns.Client {
	return sns.New(sns.Options{
		Region:           gusttest.Region,
		BaseEndpoint:     aws.String(srv.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

// snsEndpoint is an HTTP subscriber on loopback: it confirms its
// subscription by following SubscribeURL and keeps every notification,
// after verifying its signature as AWS's SNS message validators do.
type snsEndpoint struct {
	*httptest.Server
	t        *testing.T
	mu       sync.Mutex
	received []map[string]string
	headers  []http.Header
	failing  int // answer 500 to this many notifications first
	attempts int
}

func newSNSEndpoint(t *testing.T) *snsEndpoint {
	e := &snsEndpoint{t: t}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.Close)
	return e
}

func (e *snsEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var msg map[string]string
	if r.Header.Get("x-amz-sns-rawdelivery") == "true" {
		msg = map[string]string{"Type": "Raw", "Message": string(body)}
	} else {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			e.t.Errorf("SNS sent a body that is not JSON: %s", body)
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		msg = map[string]string{}
		for k, v := range doc {
			if s, ok := v.(string); ok {
				msg[k] = s
			} else {
				b, _ := json.Marshal(v)
				msg[k] = string(b)
			}
		}
		if err := verifySNSMessage(msg); err != nil {
			var unreachable *certUnreachable
			if errors.As(err, &unreachable) {
				// The server that sent it died (the kill -9 case): refuse
				// for now, as a subscriber must; SNS delivers it again.
				e.t.Logf("cannot verify yet: %v", err)
				http.Error(w, "cannot fetch the signing certificate", http.StatusServiceUnavailable)
				return
			}
			e.t.Errorf("SNS message signature: %v\n%s", err, body)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		if r.Header.Get("x-amz-sns-message-type") != msg["Type"] || r.Header.Get("x-amz-sns-message-id") != msg["MessageId"] ||
			r.Header.Get("x-amz-sns-topic-arn") != msg["TopicArn"] {
			e.t.Errorf("SNS headers %v do not match the message %v", r.Header, msg)
		}
	}
	if msg["Type"] == "SubscriptionConfirmation" {
		resp, err := http.Get(msg["SubscribeURL"])
		if err != nil {
			e.t.Errorf("following SubscribeURL: %v", err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "<ConfirmSubscriptionResult>") {
			e.t.Errorf("SubscribeURL answered %d: %s", resp.StatusCode, b)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if msg["Type"] != "SubscriptionConfirmation" {
		e.attempts++
		if e.attempts <= e.failing {
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
	}
	e.received = append(e.received, msg)
	e.headers = append(e.headers, r.Header.Clone())
}

func (e *snsEndpoint) waitFor(t *testing.T, what string, keep func(map[string]string) bool) map[string]string {
	t.Helper()
	var got map[string]string
	gusttest.WaitFor(t, 60*time.Second, what, func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, m := range e.received {
			if keep(m) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// verifySNSMessage checks a message's signature the way AWS's SNS message
// validators do: the certificate at SigningCertURL, the string to sign
// built from the type's fields in order, SHA1withRSA for SignatureVersion
// 1 and SHA256withRSA for 2. (The validators also insist that the
// certificate's host be sns.<region>.amazonaws.com over https, which a
// server on loopback cannot be.)
func verifySNSMessage(msg map[string]string) error {
	var keys []string
	switch msg["Type"] {
	case "Notification":
		keys = []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	case "SubscriptionConfirmation", "UnsubscribeConfirmation":
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	default:
		return fmt.Errorf("unknown message type %q", msg["Type"])
	}
	var b strings.Builder
	for _, k := range keys {
		v, ok := msg[k]
		if !ok {
			if k == "Subject" {
				continue
			}
			return fmt.Errorf("missing %s", k)
		}
		b.WriteString(k + "\n" + v + "\n")
	}
	resp, err := http.Get(msg["SigningCertURL"])
	if err != nil {
		return &certUnreachable{err}
	}
	defer resp.Body.Close()
	certPEM, _ := io.ReadAll(resp.Body)
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return fmt.Errorf("SigningCertURL %s served no PEM (%d)", msg["SigningCertURL"], resp.StatusCode)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(msg["Signature"])
	if err != nil {
		return err
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	switch msg["SignatureVersion"] {
	case "1":
		sum := sha1.Sum([]byte(b.String()))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	case "2":
		sum := sha256.Sum256([]byte(b.String()))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	}
	return fmt.Errorf("SignatureVersion %q", msg["SignatureVersion"])
}

// certUnreachable is a signing certificate that could not be fetched.
type certUnreachable struct{ err error }

func (c *certUnreachable) Error() string { return "fetching the signing certificate: " + c.err.Error() }

// snsRecords returns the SNS event records the functions reported.
func snsRecords(col *collector, keep func(rec, sns map[string]any) bool) []map[string]any {
	var out []map[string]any
	for _, r := range col.matching(func(r map[string]any) bool { _, ok := r["Records"]; return ok }) {
		for _, rec := range r["Records"].([]any) {
			rm := rec.(map[string]any)
			if s, ok := rm["Sns"].(map[string]any); ok && keep(rm, s) {
				out = append(out, rm)
			}
		}
	}
	return out
}

func waitSNSRecord(t *testing.T, col *collector, what string, keep func(rec, sns map[string]any) bool) map[string]any {
	t.Helper()
	var got []map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for len(got) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; the functions reported %v", what, col.matching(func(map[string]any) bool { return true }))
		}
		time.Sleep(20 * time.Millisecond)
		got = snsRecords(col, keep)
	}
	return got[0]
}

func sortedKeysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// receiveSQS receives n messages from a queue with boto3 (python), in the
// order the queue hands them out.
func receiveSQS(t *testing.T, srv *gusttest.Server, python, queue string, n int) []map[string]any {
	t.Helper()
	out := runPython(t, srv, python, `
import boto3, json, os, sys, time
c = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
url = c.get_queue_url(QueueName=sys.argv[1])["QueueUrl"]
got, deadline = [], time.time() + 60
while len(got) < int(sys.argv[2]) and time.time() < deadline:
    r = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"])
    for m in r.get("Messages", []):
        got.append({"Body": m["Body"], "MessageAttributes": m.get("MessageAttributes", {})})
        c.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
print(json.dumps(got))
`, queue, fmt.Sprint(n))
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("receiving from %s: %v: %s", queue, err, out)
	}
	if len(got) < n {
		t.Fatalf("received %d messages from %s, want %d: %v", len(got), queue, n, got)
	}
	return got
}

func TestSNS(t *testing.T) {
	srv, _, col := startAsyncServer(t)
	ctx := gusttest.Context(t)
	client := snsClient(srv)
	const workerARN = "arn:aws:lambda:us-east-1:000000000000:function:worker"

	// CLI v1 creates, CLI v2 lists; creating again returns the same ARN.
	created := mustAWSCLI(t, srv, cliV1, "sns", "create-topic", "--name", "orders")
	topicARN := "arn:aws:sns:us-east-1:000000000000:orders"
	if created["TopicArn"] != topicARN {
		t.Fatalf("create-topic: %v", created)
	}
	if again := mustAWSCLI(t, srv, cliV2, "sns", "create-topic", "--name", "orders"); again["TopicArn"] != topicARN {
		t.Fatalf("create-topic again: %v", again)
	}
	listed := mustAWSCLI(t, srv, cliV2, "sns", "list-topics")
	if fmt.Sprint(listed["Topics"]) != "[map[TopicArn:"+topicARN+"]]" {
		t.Fatalf("list-topics: %v", listed)
	}

	// Fan-out: two functions (CLI v1 and boto3), one HTTP endpoint (Go SDK).
	subWorker := mustAWSCLI(t, srv, cliV1, "sns", "subscribe", "--topic-arn", topicARN, "--protocol", "lambda", "--notification-endpoint", workerARN)["SubscriptionArn"].(string)
	subRecorder := strings.TrimSpace(runPython(t, srv, pythonNew, `
import boto3, sys
c = boto3.client("sns")
print(c.subscribe(TopicArn=sys.argv[1], Protocol="lambda", Endpoint=sys.argv[2])["SubscriptionArn"])
`, topicARN, recorderARN))
	if !strings.HasPrefix(subWorker, topicARN+":") || !strings.HasPrefix(subRecorder, topicARN+":") || subWorker == subRecorder {
		t.Fatalf("lambda subscriptions: %q %q", subWorker, subRecorder)
	}
	endpoint := newSNSEndpoint(t)
	sub, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("http"), Endpoint: aws.String(endpoint.URL + "/hook")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sub.SubscriptionArn) != "pending confirmation" {
		t.Fatalf("http subscribe: %q", aws.ToString(sub.SubscriptionArn))
	}
	confirm := endpoint.waitFor(t, "the SubscriptionConfirmation", func(m map[string]string) bool { return m["Type"] == "SubscriptionConfirmation" })
	if confirm["TopicArn"] != topicARN || confirm["Token"] == "" || !strings.Contains(confirm["SubscribeURL"], "Action=ConfirmSubscription") {
		t.Errorf("confirmation: %v", confirm)
	}
	var httpSubARN string
	gusttest.WaitFor(t, 30*time.Second, "the HTTP subscription's confirmation", func() bool {
		out, err := client.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Subscriptions {
			if aws.ToString(s.Protocol) == "http" && aws.ToString(s.SubscriptionArn) != "pending confirmation" {
				httpSubARN = aws.ToString(s.SubscriptionArn)
			}
		}
		return httpSubARN != ""
	})
	attrs, err := client.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(httpSubARN)})
	if err != nil {
		t.Fatal(err)
	}
	if a := attrs.Attributes; a["PendingConfirmation"] != "false" || a["Protocol"] != "http" || a["TopicArn"] != topicARN || a["RawMessageDelivery"] != "false" || a["EffectiveDeliveryPolicy"] == "" {
		t.Errorf("subscription attributes: %v", a)
	}

	mustAWSCLI(t, srv, cliV2, "sqs", "create-queue", "--queue-name", "fanout-q")
	subQueue := mustAWSCLI(t, srv, cliV2, "sns", "subscribe", "--topic-arn", topicARN, "--protocol", "sqs", "--notification-endpoint", "arn:aws:sqs:us-east-1:000000000000:fanout-q")["SubscriptionArn"].(string)

	// One publish (Debian's boto3) reaches all four.
	msgID := strings.TrimSpace(runPython(t, srv, pythonDebian, `
import boto3, os, sys
c = boto3.client("sns", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
r = c.publish(TopicArn=sys.argv[1], Message="order 42 placed", Subject="New order",
    MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}, "total": {"DataType": "Number", "StringValue": "42.5"},
                       "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
print(r["MessageId"])
`, topicARN))
	for _, subARN := range []string{subWorker, subRecorder} {
		rec := waitSNSRecord(t, col, "the SNS record of "+subARN, func(rec, s map[string]any) bool {
			return rec["EventSubscriptionArn"] == subARN && s["MessageId"] == msgID
		})
		if got := fmt.Sprint(sortedKeysOf(rec)); got != "[EventSource EventSubscriptionArn EventVersion Sns]" || rec["EventSource"] != "aws:sns" || rec["EventVersion"] != "1.0" {
			t.Errorf("record keys %s: %v", got, rec)
		}
		s := rec["Sns"].(map[string]any)
		if got := fmt.Sprint(sortedKeysOf(s)); got != "[Message MessageAttributes MessageId Signature SignatureVersion SigningCertUrl Subject Timestamp TopicArn Type UnsubscribeUrl]" {
			t.Errorf("Sns keys: %s", got)
		}
		if s["Message"] != "order 42 placed" || s["Subject"] != "New order" || s["TopicArn"] != topicARN || s["Type"] != "Notification" || s["SignatureVersion"] != "1" {
			t.Errorf("Sns: %v", s)
		}
		want := map[string]any{"kind": map[string]any{"Type": "String", "Value": "order"}, "total": map[string]any{"Type": "Number", "Value": "42.5"}, "blob": map[string]any{"Type": "Binary", "Value": "AAE="}}
		if fmt.Sprint(s["MessageAttributes"]) != fmt.Sprint(want) {
			t.Errorf("MessageAttributes: %v", s["MessageAttributes"])
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", s["Timestamp"].(string)); err != nil {
			t.Errorf("Timestamp: %v", err)
		}
		flat := map[string]string{"Type": "Notification", "Message": s["Message"].(string), "MessageId": msgID, "Subject": "New order",
			"Timestamp": s["Timestamp"].(string), "TopicArn": topicARN, "SignatureVersion": "1", "Signature": s["Signature"].(string), "SigningCertURL": s["SigningCertUrl"].(string)}
		if err := verifySNSMessage(flat); err != nil {
			t.Errorf("the Lambda record's signature: %v", err)
		}
	}
	n := endpoint.waitFor(t, "the HTTP notification", func(m map[string]string) bool { return m["MessageId"] == msgID })
	if n["Type"] != "Notification" || n["Message"] != "order 42 placed" || n["Subject"] != "New order" || !strings.Contains(n["UnsubscribeURL"], "Action=Unsubscribe") ||
		!strings.Contains(n["MessageAttributes"], `"kind":{"Type":"String","Value":"order"}`) {
		t.Errorf("HTTP notification: %v", n)
	}

	q := receiveSQS(t, srv, pythonNew, "fanout-q", 1)[0]
	var env map[string]any
	if err := json.Unmarshal([]byte(q["Body"].(string)), &env); err != nil {
		t.Fatalf("SQS body is not the SNS envelope: %v", q["Body"])
	}
	if got := fmt.Sprint(sortedKeysOf(env)); got != "[Message MessageAttributes MessageId Signature SignatureVersion SigningCertURL Subject Timestamp TopicArn Type UnsubscribeURL]" {
		t.Errorf("SQS envelope keys: %s", got)
	}
	if !strings.HasPrefix(q["Body"].(string), "{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : ") || env["MessageId"] != msgID ||
		!strings.Contains(env["UnsubscribeURL"].(string), subQueue) {
		t.Errorf("SQS envelope: %s", q["Body"])
	}
	flat := map[string]string{}
	for k, v := range env {
		if s, ok := v.(string); ok {
			flat[k] = s
		}
	}
	if err := verifySNSMessage(flat); err != nil {
		t.Errorf("the SQS envelope's signature: %v", err)
	}

	// Counted per topic: one publish, four deliveries (two functions, one
	// endpoint, one queue) once they are all in.
	gusttest.WaitFor(t, 30*time.Second, "the SNS delivery counters", func() bool {
		return scrapeMetrics(t, srv)[`gust_sns_messages_total{event="delivered",topic="orders"}`] >= 4
	})
	if m := scrapeMetrics(t, srv); m[`gust_sns_messages_total{event="published",topic="orders"}`] != 1 {
		t.Errorf("published counter: %v", m[`gust_sns_messages_total{event="published",topic="orders"}`])
	}

	t.Run("FIFO topic to FIFO queue", func(t *testing.T) {
		mustAWSCLI(t, srv, cliV1, "sqs", "create-queue", "--queue-name", "ordered.fifo", "--attributes", "FifoQueue=true")
		fifo := mustAWSCLI(t, srv, cliV1, "sns", "create-topic", "--name", "ordered.fifo", "--attributes", "FifoTopic=true,ContentBasedDeduplication=true")["TopicArn"].(string)
		if _, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(fifo), Protocol: aws.String("sqs"),
			Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:ordered.fifo"), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String("no group")}); err == nil ||
			!strings.Contains(err.Error(), "Invalid parameter: The MessageGroupId parameter is required for FIFO topics") {
			t.Errorf("FIFO publish without a group: %v", err)
		}
		var seqs []string
		for i := 0; i < 8; i++ {
			out, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String(fmt.Sprintf("step %d", i)), MessageGroupId: aws.String("g")})
			if err != nil {
				t.Fatal(err)
			}
			seqs = append(seqs, aws.ToString(out.SequenceNumber))
		}
		// A repeated body is a duplicate under content-based deduplication.
		if _, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(fifo), Message: aws.String("step 0"), MessageGroupId: aws.String("g")}); err != nil {
			t.Fatal(err)
		}
		if !sort.StringsAreSorted(seqs) || len(seqs[0]) != 20 {
			t.Errorf("sequence numbers: %v", seqs)
		}
		got := receiveSQS(t, srv, pythonDebian, "ordered.fifo", 8)
		for i, m := range got {
			if m["Body"] != fmt.Sprintf("step %d", i) {
				t.Errorf("FIFO message %d is %v", i, m["Body"])
			}
		}
	})

	t.Run("filter policies", func(t *testing.T) {
		fe := newSNSEndpoint(t)
		setAttrs := func(attrs map[string]string) string {
			out, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("http"),
				Endpoint: aws.String(fe.URL + "/" + fmt.Sprint(len(attrs), attrs["FilterPolicyScope"])), Attributes: attrs, ReturnSubscriptionArn: true})
			if err != nil {
				t.Fatal(err)
			}
			return aws.ToString(out.SubscriptionArn)
		}
		setAttrs(map[string]string{"FilterPolicy": `{"kind": ["refund", {"prefix": "ret"}], "total": [{"numeric": [">", 100]}]}`, "RawMessageDelivery": "true"})
		setAttrs(map[string]string{"FilterPolicy": `{"order": {"region": [{"anything-but": "eu"}], "lines": {"sku": [{"suffix": "-x"}]}}}`, "FilterPolicyScope": "MessageBody"})
		gusttest.WaitFor(t, 30*time.Second, "both confirmations", func() bool {
			fe.mu.Lock()
			defer fe.mu.Unlock()
			return len(fe.received) >= 2
		})
		publish := func(body string, attrs map[string]snstypes.MessageAttributeValue) {
			if _, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(body), MessageAttributes: attrs}); err != nil {
				t.Fatal(err)
			}
		}
		str := func(v string) snstypes.MessageAttributeValue {
			return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		}
		num := func(v string) snstypes.MessageAttributeValue {
			return snstypes.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
		}
		publish("small refund", map[string]snstypes.MessageAttributeValue{"kind": str("refund"), "total": num("5")})
		publish("big return", map[string]snstypes.MessageAttributeValue{"kind": str("return"), "total": num("500")})
		publish(`{"order": {"region": "eu", "lines": [{"sku": "a-x"}]}}`, nil)
		publish(`{"order": {"region": "us", "lines": [{"sku": "a-y"}, {"sku": "b-x"}]}}`, nil)
		raw := fe.waitFor(t, "the attribute-filtered raw message", func(m map[string]string) bool { return m["Type"] == "Raw" })
		body := fe.waitFor(t, "the body-filtered notification", func(m map[string]string) bool { return m["Type"] == "Notification" })
		// Later publishes arrive after earlier ones were filtered: a
		// marker on each subscription proves nothing else came.
		publish("marker", map[string]snstypes.MessageAttributeValue{"kind": str("refund"), "total": num("101")})
		publish(`{"order": {"region": "jp", "lines": {"sku": "marker-x"}}}`, nil)
		fe.waitFor(t, "the raw marker", func(m map[string]string) bool { return m["Message"] == "marker" })
		fe.waitFor(t, "the body marker", func(m map[string]string) bool { return strings.Contains(m["Message"], "marker-x") })
		fe.mu.Lock()
		defer fe.mu.Unlock()
		if len(fe.received) != 2+4 {
			t.Errorf("filtered endpoint received %d messages, want 6: %v", len(fe.received), fe.received)
		}
		if raw["Message"] != "big return" || !strings.Contains(body["Message"], `"us"`) {
			t.Errorf("filtered: raw %v, body %v", raw, body)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		before := len(mustAWSCLI(t, srv, cliV1, "sns", "list-topics")["Topics"].([]any))
		cases := []struct {
			args []string
			want string
		}{
			{[]string{"sns", "create-topic", "--name", "bad name!"}, "(InvalidParameter) when calling the CreateTopic operation"},
			{[]string{"sns", "create-topic", "--name", "bad name!"}, "Invalid parameter: Topic Name"},
			{[]string{"sns", "create-topic", "--name", strings.Repeat("a", 257)}, "Invalid parameter: Topic Name"},
			{[]string{"sns", "create-topic", "--name", "f.fifo"}, "Invalid parameter: Topic Name"},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "ftp", "--notification-endpoint", "ftp://x"}, "Invalid parameter: Amazon SNS does not support this protocol string: ftp"},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "http", "--notification-endpoint", "https://x"}, "Invalid parameter: Endpoint must match the specified protocol"},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "lambda", "--notification-endpoint", workerARN, "--attributes", `{"FilterPolicy":"{\"a\": \"b\"}"}`}, `Invalid parameter: FilterPolicy: "a" must be an object or an array`},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "lambda", "--notification-endpoint", workerARN, "--attributes", `{"FilterPolicy":"{\"a\": [{\"prefixx\": \"b\"}]}"}`}, "Invalid parameter: FilterPolicy: Unrecognized match type prefixx"},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "lambda", "--notification-endpoint", workerARN, "--attributes", `{"FilterPolicy":"{\"a\": {\"b\": [1]}}"}`}, "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "lambda", "--notification-endpoint", workerARN, "--attributes", `{"FilterPolicy":"{\"a\": [1], \"b\": [1], \"c\": [1], \"d\": [1], \"e\": [1], \"f\": [1]}"}`}, "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"},
			{[]string{"sns", "subscribe", "--topic-arn", topicARN, "--protocol", "lambda", "--notification-endpoint", workerARN, "--attributes", `{"FilterPolicy":"not json"}`}, "Invalid parameter: FilterPolicy: failed to parse JSON."},
			{[]string{"sns", "publish", "--topic-arn", topicARN + "-missing", "--message", "x"}, "(NotFound) when calling the Publish operation"},
			{[]string{"sns", "publish", "--topic-arn", topicARN + "-missing", "--message", "x"}, "Topic does not exist"},
			{[]string{"sns", "publish", "--topic-arn", topicARN, "--message", "x", "--message-structure", "json"}, "Invalid parameter: Message Structure - JSON message body failed to parse"},
		}
		// The two CLIs take turns (each is slow to start).
		for i, c := range cases {
			cli := []string{cliV1, cliV2}[i%2]
			out, err := awsCLI(t, srv, cli, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %v: %v %s, want %q", cli, c.args, err, out, c.want)
			}
		}
		// 256 KiB is the limit; one byte more is refused (boto3).
		out := runPython(t, srv, pythonNew, `
import boto3, sys
from botocore.exceptions import ClientError
c = boto3.client("sns")
c.publish(TopicArn=sys.argv[1], Message="x" * 262144)
try:
    c.publish(TopicArn=sys.argv[1], Message="x" * 262145)
    print("accepted")
except ClientError as e:
    print(e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"])
`, topicARN)
		if strings.TrimSpace(out) != "InvalidParameter Invalid parameter: Message too long 400" {
			t.Errorf("oversized publish: %s", out)
		}
		topics := mustAWSCLI(t, srv, cliV1, "sns", "list-topics")
		if len(topics["Topics"].([]any)) != before {
			t.Errorf("bad input stored topics: %v", topics)
		}
	})

	t.Run("publish batch", func(t *testing.T) {
		out := runPython(t, srv, pythonDebian, `
import boto3, os, sys, json
c = boto3.client("sns", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
r = c.publish_batch(TopicArn=sys.argv[1], PublishBatchRequestEntries=[
    {"Id": "a", "Message": "batch one"}, {"Id": "b", "Message": ""}, {"Id": "c", "Message": "batch three", "Subject": "s"}])
print(json.dumps({"ok": sorted(e["Id"] for e in r["Successful"]), "failed": r["Failed"]}))
`, topicARN)
		if strings.TrimSpace(out) != `{"ok": ["a", "c"], "failed": [{"Id": "b", "Code": "InvalidParameter", "Message": "Invalid parameter: Empty message", "SenderFault": true}]}` {
			t.Errorf("publish_batch: %s", out)
		}
		waitSNSRecord(t, col, "a batch message", func(rec, s map[string]any) bool { return s["Message"] == "batch three" && s["Subject"] == "s" })
	})

	t.Run("tags", func(t *testing.T) {
		mustAWSCLI(t, srv, cliV2, "sns", "tag-resource", "--resource-arn", topicARN, "--tags", "Key=team,Value=a", "Key=env,Value=prod")
		mustAWSCLI(t, srv, cliV1, "sns", "untag-resource", "--resource-arn", topicARN, "--tag-keys", "env")
		tags := mustAWSCLI(t, srv, cliV1, "sns", "list-tags-for-resource", "--resource-arn", topicARN)
		if fmt.Sprint(tags["Tags"]) != "[map[Key:team Value:a]]" {
			t.Errorf("tags: %v", tags)
		}
	})

	t.Run("nothing lost across kill -9", func(t *testing.T) {
		var ids []string
		for i := 0; i < 5; i++ {
			out, err := client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(fmt.Sprintf("durable %d", i))})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, aws.ToString(out.MessageId))
		}
		srv.Kill()
		srv.Start()
		for _, id := range ids {
			waitSNSRecord(t, col, "message "+id+" after the restart", func(rec, s map[string]any) bool {
				return s["MessageId"] == id && rec["EventSubscriptionArn"] == subWorker
			})
			endpoint.waitFor(t, "HTTP message "+id+" after the restart", func(m map[string]string) bool { return m["MessageId"] == id })
		}
	})
}
