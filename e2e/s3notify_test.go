package e2e

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"gust/internal/gusttest"
)

// thumbnailerSetup creates the buckets "uploads" and "thumbs", the Python
// function "thumbnailer" and the notification wiring: created objects
// ending in .jpg, and removed objects under photos/.
func thumbnailerSetup(t *testing.T, srv *gusttest.Server) { thumbnailerSetupTB(t, srv) }

func thumbnailerSetupTB(t testing.TB, srv *gusttest.Server) {
	ctx := gusttest.Context(t)
	c := s3Client(srv, true)
	for _, b := range []string{"uploads", "thumbs"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	createRuntimeFunction(t, srv.Lambda(), "thumbnailer", pythonRuntime(t), "app.handler", fixtureZip(t, "s3fn"), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(30)
		in.Environment = &types.Environment{Variables: map[string]string{"OUT_BUCKET": "thumbs"}}
	})
	arn := "arn:aws:lambda:us-east-1:000000000000:function:thumbnailer"
	rule := func(name, value string) s3types.FilterRule {
		return s3types.FilterRule{Name: s3types.FilterRuleName(name), Value: aws.String(value)}
	}
	_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("uploads"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{
			{Id: aws.String("jpgs"), LambdaFunctionArn: aws.String(arn), Events: []s3types.Event{"s3:ObjectCreated:*"},
				Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{rule("suffix", ".jpg")}}}},
			{Id: aws.String("removed"), LambdaFunctionArn: aws.String(arn), Events: []s3types.Event{"s3:ObjectRemoved:*"},
				Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{rule("prefix", "photos/")}}}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// getThumb waits for key in the thumbs bucket and returns its body.
func getThumb(t *testing.T, c *s3.Client, key string) []byte {
	t.Helper()
	var body []byte
	gusttest.WaitFor(t, 90*time.Second, "derived object "+key, func() bool {
		out, err := c.GetObject(gusttest.Context(t), &s3.GetObjectInput{Bucket: aws.String("thumbs"), Key: aws.String(key)})
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			return false
		}
		body, _ = io.ReadAll(out.Body)
		out.Body.Close()
		return true
	})
	return body
}

// TestS3Notifications: uploads trigger a Python function through the
// bucket's notification configuration; it reads the object and writes a
// derived one to another bucket. The event record is AWS's, field for
// field; the suffix filter keeps other uploads from triggering it.
func TestS3Notifications(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	thumbnailerSetup(t, srv)
	ctx := gusttest.Context(t)
	c := s3Client(srv, true)

	got, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("uploads")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.LambdaFunctionConfigurations) != 2 || *got.LambdaFunctionConfigurations[0].Id != "jpgs" ||
		*got.LambdaFunctionConfigurations[0].Filter.Key.FilterRules[0].Value != ".jpg" {
		t.Errorf("GetBucketNotificationConfiguration = %+v", got.LambdaFunctionConfigurations)
	}

	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("notes.txt"), Body: strings.NewReader("not a photo")}); err != nil {
		t.Fatal(err)
	}
	key := "photos/my photo+1 (ü).jpg"
	body := "JFIF....pretend image"
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	var thumb struct {
		Record map[string]any
		Head   string
		Size   int
	}
	if err := json.Unmarshal(getThumb(t, c, key+".thumb"), &thumb); err != nil {
		t.Fatal(err)
	}
	if thumb.Head != body[:8] || thumb.Size != len(body) {
		t.Errorf("the function read %q (%d bytes)", thumb.Head, thumb.Size)
	}
	rec := thumb.Record
	sum := md5.Sum([]byte(body))
	want := map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventName": "ObjectCreated:Put",
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("record %s = %v, want %v", k, rec[k], v)
		}
	}
	if ts, _ := rec["eventTime"].(string); !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(ts) {
		t.Errorf("eventTime %q", rec["eventTime"])
	}
	if rp, _ := rec["requestParameters"].(map[string]any); rp["sourceIPAddress"] != "127.0.0.1" {
		t.Errorf("requestParameters = %v", rec["requestParameters"])
	}
	if re, _ := rec["responseElements"].(map[string]any); re["x-amz-request-id"] == "" || re["x-amz-id-2"] == nil {
		t.Errorf("responseElements = %v", rec["responseElements"])
	}
	if ui, _ := rec["userIdentity"].(map[string]any); ui["principalId"] == nil {
		t.Errorf("userIdentity = %v", rec["userIdentity"])
	}
	s3e := rec["s3"].(map[string]any)
	if s3e["s3SchemaVersion"] != "1.0" || s3e["configurationId"] != "jpgs" {
		t.Errorf("s3 = %v", s3e)
	}
	if b := s3e["bucket"].(map[string]any); b["name"] != "uploads" || b["arn"] != "arn:aws:s3:::uploads" || b["ownerIdentity"] == nil {
		t.Errorf("s3.bucket = %v", b)
	}
	obj := s3e["object"].(map[string]any)
	if obj["key"] != "photos/my+photo%2B1+%28%C3%BC%29.jpg" || obj["size"] != float64(len(body)) || obj["eTag"] != hex.EncodeToString(sum[:]) {
		t.Errorf("s3.object = %v", obj)
	}
	if seq, _ := obj["sequencer"].(string); !regexp.MustCompile(`^[0-9A-F]{16,}$`).MatchString(seq) {
		t.Errorf("sequencer %q", obj["sequencer"])
	}

	// The .txt upload came first and matched no configuration.
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("thumbs"), Key: aws.String("notes.txt.thumb")}); err == nil {
		t.Error("notes.txt triggered the .jpg configuration")
	}

	// The AWS CLI's upload triggers it too, and a delete under photos/ is
	// an ObjectRemoved:Delete event.
	if _, err := awsCLI(t, srv, cliV2, "s3", "cp", "-", "s3://uploads/photos/cli.jpg"); err != nil {
		// "-" reads standard input, which is empty: a zero-byte upload.
		t.Fatal(err)
	}
	getThumb(t, c, "photos/cli.jpg.thumb")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("uploads"), Key: aws.String("photos/cli.jpg")}); err != nil {
		t.Fatal(err)
	}
	var removed map[string]any
	if err := json.Unmarshal(getThumb(t, c, "photos/cli.jpg.removed"), &removed); err != nil {
		t.Fatal(err)
	}
	if o := removed["s3"].(map[string]any)["object"].(map[string]any); removed["eventName"] != "ObjectRemoved:Delete" || o["size"] != nil || o["sequencer"] == nil {
		t.Errorf("removal record = %v", removed)
	}

	// gust lists buckets with their wiring, and a bucket's objects.
	if out, _ := mustGust(t, srv, "buckets"); !strings.Contains(out, "ObjectCreated:* *.jpg -> function:thumbnailer") || !strings.Contains(out, "thumbs") {
		t.Errorf("gust buckets:\n%s", out)
	}
	if out, _ := mustGust(t, srv, "buckets", "thumbs"); !strings.Contains(out, "photos/cli.jpg.thumb") {
		t.Errorf("gust buckets thumbs:\n%s", out)
	}

	// Queue configurations: SQS gets S3's s3:TestEvent when the
	// configuration is put, then the records.
	q := sqs.New(sqs.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint), RetryMaxAttempts: 1,
		Credentials: credentialsFor()})
	qu, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("s3-events")})
	if err != nil {
		t.Fatal(err)
	}
	receive := func() map[string]any {
		t.Helper()
		for range 20 {
			out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qu.QueueUrl, WaitTimeSeconds: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range out.Messages {
				_, _ = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: qu.QueueUrl, ReceiptHandle: m.ReceiptHandle})
				var v map[string]any
				if err := json.Unmarshal([]byte(*m.Body), &v); err != nil {
					t.Fatalf("SQS body is not JSON: %s", *m.Body)
				}
				return v
			}
		}
		t.Fatal("no message on the queue")
		return nil
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("queued")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("queued"),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{
			{Id: aws.String("to-sqs"), QueueArn: aws.String("arn:aws:sqs:us-east-1:000000000000:s3-events"), Events: []s3types.Event{"s3:ObjectCreated:*"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if test := receive(); test["Event"] != "s3:TestEvent" || test["Bucket"] != "queued" || test["Service"] != "Amazon S3" {
		t.Errorf("test event = %v", test)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("queued"), Key: aws.String("q.txt"), Body: strings.NewReader("q")}); err != nil {
		t.Fatal(err)
	}
	recs := receive()["Records"].([]any)
	if r := recs[0].(map[string]any); r["eventName"] != "ObjectCreated:Put" || r["s3"].(map[string]any)["configurationId"] != "to-sqs" {
		t.Errorf("SQS record = %v", r)
	}
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("queued"),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{
			{QueueArn: aws.String("arn:aws:sqs:us-east-1:000000000000:no-such-queue"), Events: []s3types.Event{"s3:ObjectCreated:*"}},
		}},
	})
	if apiErrorCode(err) != "InvalidArgument" {
		t.Errorf("a queue that does not exist: %v", err)
	}

	// Configurations are checked: an unknown event type is refused.
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("uploads"),
		NotificationConfiguration: &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{
			{LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:000000000000:function:thumbnailer"), Events: []s3types.Event{"s3:ObjectEaten:*"}},
		}},
	})
	if apiErrorCode(err) != "InvalidArgument" {
		t.Errorf("unknown event type: %v", err)
	}
}

// TestS3NotificationsSurviveCrash: uploads acknowledged just before a
// kill -9 still invoke the function once the server is back.
func TestS3NotificationsSurviveCrash(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process", "--async-ack-wait", "2s"}})
	thumbnailerSetup(t, srv)
	ctx := gusttest.Context(t)
	c := s3Client(srv, true)
	const n = 8
	for i := range n {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(fmt.Sprintf("crash/%d.jpg", i)), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Kill()
	srv.Start()
	c = s3Client(srv, true)
	for i := range n {
		getThumb(t, c, fmt.Sprintf("crash/%d.jpg.thumb", i))
	}

	// The same while the events are certainly still in S3's own queue:
	// the function is missing, so every delivery attempt fails and is
	// retried; the server dies; once it is back the function exists again
	// and every event reaches it.
	lc := srv.Lambda()
	if _, err := lc.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("thumbnailer")}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(fmt.Sprintf("queued/%d.jpg", i)), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Kill()
	srv.Start()
	createRuntimeFunction(t, srv.Lambda(), "thumbnailer", pythonRuntime(t), "app.handler", fixtureZip(t, "s3fn"), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(30)
		in.Environment = &types.Environment{Variables: map[string]string{"OUT_BUCKET": "thumbs"}}
	})
	c = s3Client(srv, true)
	for i := range n {
		getThumb(t, c, fmt.Sprintf("queued/%d.jpg.thumb", i))
	}
	var nk *s3types.NoSuchKey
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("thumbs"), Key: aws.String("missing")}); !errors.As(err, &nk) {
		t.Errorf("GetObject of a missing key: %v", err)
	}
}

// TestS3CrashMidUpload: a server killed while a PUT streams in leaves no
// object, not even a partial one, once it is back; the bucket still works.
func TestS3CrashMidUpload(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	ctx := gusttest.Context(t)
	c := s3Client(srv, true)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("crashy")}); err != nil {
		t.Fatal(err)
	}
	// A 64 MiB unsigned-payload PUT whose body arrives slowly: half of it,
	// then the server dies.
	pr, pw := io.Pipe()
	const size = 64 << 20
	req, _ := http.NewRequest("PUT", srv.Endpoint+"/crashy/partial.bin", pr)
	req.ContentLength = size
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(ctx, aws.Credentials{AccessKeyID: gusttest.AccessKeyID, SecretAccessKey: gusttest.SecretAccessKey}, req, "UNSIGNED-PAYLOAD", "s3", gusttest.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			err = fmt.Errorf("PUT completed with %d", res.StatusCode)
		}
		sent <- err
	}()
	chunk := make([]byte, 1<<20)
	for range size / 2 / len(chunk) {
		if _, err := pw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	srv.Kill()
	pw.CloseWithError(errors.New("client gone"))
	if err := <-sent; err == nil {
		t.Fatal("the PUT succeeded")
	}
	srv.Start()
	c = s3Client(srv, true)
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("crashy"), Key: aws.String("partial.bin")}); apiErrorCode(err) != "NotFound" {
		t.Errorf("HeadObject after the crash: %v", err)
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("crashy")})
	if err != nil || len(list.Contents) != 0 {
		t.Errorf("listing after the crash: %v %v", list, err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("crashy"), Key: aws.String("partial.bin"), Body: strings.NewReader("whole")}); err != nil {
		t.Errorf("PUT after the crash: %v", err)
	}
}
