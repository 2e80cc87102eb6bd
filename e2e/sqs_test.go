package e2e

import (
	_ "embed"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gust/internal/gusttest"
)

//go:embed fixtures/sqs/boto3_flow.py
var sqsBoto3Flow string

// TestSQSClients drives every SQS operation and SQS's bad-input errors with
// both boto3s (JSON and query/XML) and both AWS CLIs against one server.
func TestSQSClients(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	t.Run("boto3-json", func(t *testing.T) {
		t.Parallel()
		if out := runPython(t, srv, pythonNew, sqsBoto3Flow, "new"); strings.TrimSpace(out) != "ok json" {
			t.Fatalf("script printed %q", out)
		}
	})
	t.Run("boto3-query", func(t *testing.T) {
		t.Parallel()
		if out := runPython(t, srv, pythonDebian, sqsBoto3Flow, "old"); strings.TrimSpace(out) != "ok query" {
			t.Fatalf("script printed %q", out)
		}
	})
	for _, cli := range []string{cliV1, cliV2} {
		t.Run(cli, func(t *testing.T) {
			t.Parallel()
			name := "cli" + map[string]string{cliV1: "1", cliV2: "2"}[cli]
			url := mustAWSCLI(t, srv, cli, "sqs", "create-queue", "--queue-name", name)["QueueUrl"].(string)
			if want := srv.Endpoint + "/000000000000/" + name; url != want {
				t.Errorf("QueueUrl %q, want %q", url, want)
			}
			sent := mustAWSCLI(t, srv, cli, "sqs", "send-message", "--queue-url", url, "--message-body", "hi",
				"--message-attributes", `{"k":{"DataType":"String","StringValue":"v"}}`)
			got := mustAWSCLI(t, srv, cli, "sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "2",
				"--attribute-names", "All", "--message-attribute-names", "All")
			msgs, _ := got["Messages"].([]any)
			if len(msgs) != 1 {
				t.Fatalf("receive-message: %v", got)
			}
			m := msgs[0].(map[string]any)
			if m["MessageId"] != sent["MessageId"] || m["Body"] != "hi" || m["Attributes"].(map[string]any)["ApproximateReceiveCount"] != "1" {
				t.Errorf("received %v", m)
			}
			mustAWSCLI(t, srv, cli, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", m["ReceiptHandle"].(string))
			attrs := mustAWSCLI(t, srv, cli, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
			if b, _ := json.Marshal(attrs["Attributes"]); string(b) != `{"ApproximateNumberOfMessages":"0","ApproximateNumberOfMessagesNotVisible":"0"}` {
				t.Errorf("attributes after delete: %s", b)
			}
			_, err := awsCLI(t, srv, cli, "sqs", "get-queue-url", "--queue-name", name+"-missing")
			if err == nil || !strings.Contains(err.Error(), "AWS.SimpleQueueService.NonExistentQueue") {
				t.Errorf("get-queue-url of a missing queue: %v", err)
			}
			big := filepath.Join(t.TempDir(), "big")
			if err := os.WriteFile(big, []byte(strings.Repeat("x", 262145)), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = awsCLI(t, srv, cli, "sqs", "send-message", "--queue-url", url, "--message-body", "file://"+big)
			if err == nil || !strings.Contains(err.Error(), "InvalidParameterValue") {
				t.Errorf("oversize message: %v", err)
			}
			mustAWSCLI(t, srv, cli, "sqs", "delete-queue", "--queue-url", url)
		})
	}
}
