package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"gust/internal/gusttest"
)

// receiveOne waits for one message on a queue, with its attributes.
func receiveOne(t *testing.T, c *sqs.Client, url string) types.Message {
	t.Helper()
	var got []types.Message
	gusttest.WaitFor(t, 60*time.Second, "a message on "+url, func() bool {
		out, err := c.ReceiveMessage(gusttest.Context(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		got = out.Messages
		return len(got) > 0
	})
	return got[0]
}

// TestSQSLambdaDeadLetterAndDestinations: an asynchronous event that fails
// for good reaches the function's DeadLetterConfig queue (Lambda's body and
// attributes) and its on-failure SQS destination (the invocation record); a
// success reaches the on-success queue.
func TestSQSLambdaDeadLetterAndDestinations(t *testing.T) {
	srv, c, _ := startAsyncServer(t)
	qc := sqsClient(srv)
	ctx := gusttest.Context(t)
	dlqURL, dlqARN := createQueue(t, qc, "fn-dlq", nil)
	okURL, okARN := createQueue(t, qc, "fn-ok", nil)
	failURL, failARN := createQueue(t, qc, "fn-fail", nil)
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("worker"), DeadLetterConfig: &ltypes.DeadLetterConfig{TargetArn: aws.String("arn:aws:s3:::bucket")}}); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("S3 dead-letter target: %v", err)
	}
	cfg, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("worker"), DeadLetterConfig: &ltypes.DeadLetterConfig{TargetArn: aws.String(dlqARN)}})
	if err != nil || cfg.DeadLetterConfig == nil || *cfg.DeadLetterConfig.TargetArn != dlqARN {
		t.Fatalf("UpdateFunctionConfiguration DeadLetterConfig: %+v %v", cfg, err)
	}
	_, err = c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("worker"), MaximumRetryAttempts: aws.Int32(0),
		DestinationConfig: &ltypes.DestinationConfig{OnSuccess: &ltypes.OnSuccess{Destination: aws.String(okARN)}, OnFailure: &ltypes.OnFailure{Destination: aws.String(failARN)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	failing := `{"action":"report","arg":"bad","n":1}`
	invokeEvent(t, c, "worker", failing)
	dead := receiveOne(t, qc, dlqURL)
	if *dead.Body != failing {
		t.Errorf("dead-letter body %q, want the event %q", *dead.Body, failing)
	}
	if a := dead.MessageAttributes; a["ErrorMessage"].StringValue == nil || *a["ErrorMessage"].StringValue != "failing as asked" ||
		*a["ErrorCode"].DataType != "Number" || *a["ErrorCode"].StringValue != "200" || a["RequestID"].StringValue == nil {
		t.Errorf("dead-letter attributes %+v", a)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(*receiveOne(t, qc, failURL).Body), &rec); err != nil {
		t.Fatal(err)
	}
	if rc := rec["requestContext"].(map[string]any); rc["condition"] != "RetriesExhausted" || rc["requestId"] != *dead.MessageAttributes["RequestID"].StringValue {
		t.Errorf("on-failure record %v", rec)
	}
	if rc := rec["responseContext"].(map[string]any); rc["functionError"] != "Unhandled" {
		t.Errorf("on-failure record %v", rec)
	}
	invokeEvent(t, c, "worker", `{"action":"report","arg":"good"}`)
	if err := json.Unmarshal([]byte(*receiveOne(t, qc, okURL).Body), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["requestContext"].(map[string]any)["condition"] != "Success" || rec["responsePayload"].(map[string]any)["reported"] != "good" {
		t.Errorf("on-success record %v", rec)
	}
}
