package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"gust/internal/gusttest"
)

// reportedArgs collects what functions report: the "arg" of a report, or
// the Message of an SNS record.
func reportedArgs(b *testing.B) (string, chan string) {
	arrived := make(chan string, 1024)
	col := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			Arg     string
			Records []struct{ Sns struct{ Message string } }
		}
		json.NewDecoder(r.Body).Decode(&v)
		if len(v.Records) > 0 {
			v.Arg = v.Records[0].Sns.Message
		}
		arrived <- v.Arg
	}))
	b.Cleanup(col.Close)
	return col.URL, arrived
}

func reportingFunction(b *testing.B, srv *gusttest.Server, name, url string) *lambda.Client {
	c := srv.Lambda()
	createFunction(b, c, name, goFunctionZip(b), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"REPORT_URL": url}}
	})
	invokeOnce(b, c, name, []byte(`{"action":"echo","arg":"x"}`))
	return c
}

// BenchmarkSNSPublishToFunction: from Publish to the subscribed function
// reporting the message (process backend, so it can reach the collector),
// against a warm synchronous invoke of the same function.
func BenchmarkSNSPublishToFunction(b *testing.B) {
	url, arrived := reportedArgs(b)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--isolation", "process"}})
	c := reportingFunction(b, srv, "sub", url)
	client := snsClient(srv)
	ctx := context.Background()
	topic, err := client.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("lambda"), Endpoint: aws.String("arn:aws:lambda:us-east-1:000000000000:function:sub")}); err != nil {
		b.Fatal(err)
	}
	var op, floor latencies
	b.ResetTimer()
	for i := range b.N {
		arg := fmt.Sprint("m-", i)
		start := time.Now()
		if _, err := client.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(arg)}); err != nil {
			b.Fatal(err)
		}
		for got := <-arrived; got != arg; got = <-arrived {
		}
		op = append(op, time.Since(start))
		floor = append(floor, invokeOnce(b, c, "sub", []byte(`{"action":"echo","arg":"x"}`)))
	}
	report(b, op, floor)
}

// BenchmarkEventsPutToFunction: from PutEvents on a custom bus with 1,000
// rules to the one matching rule's function reporting the event, against
// a warm synchronous invoke of the same function.
func BenchmarkEventsPutToFunction(b *testing.B) {
	url, arrived := reportedArgs(b)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--isolation", "process"}})
	c := reportingFunction(b, srv, "target", url)
	eb := eventBridgeClient(srv)
	ctx := context.Background()
	if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		pattern := fmt.Sprintf(`{"source": ["app.%d"], "detail": {"n": [{"numeric": [">", %d]}]}}`, i, i%100)
		if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(fmt.Sprint("r", i)), EventBusName: aws.String("bench"), EventPattern: aws.String(pattern)}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r7"), EventBusName: aws.String("bench"), Targets: []ebtypes.Target{{
		Id: aws.String("t"), Arn: aws.String("arn:aws:lambda:us-east-1:000000000000:function:target"),
		InputTransformer: &ebtypes.InputTransformer{InputPathsMap: map[string]string{"a": "$.detail.arg"}, InputTemplate: aws.String(`{"action": "report", "arg": <a>}`)},
	}}}); err != nil {
		b.Fatal(err)
	}
	var op, floor latencies
	b.ResetTimer()
	for i := range b.N {
		arg := fmt.Sprint("e-", i)
		start := time.Now()
		if _, err := eb.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{EventBusName: aws.String("bench"),
			Source: aws.String("app.7"), DetailType: aws.String("t"), Detail: aws.String(`{"n": 50, "arg": "` + arg + `"}`)}}}); err != nil {
			b.Fatal(err)
		}
		for got := <-arrived; got != arg; got = <-arrived {
		}
		op = append(op, time.Since(start))
		floor = append(floor, invokeOnce(b, c, "target", []byte(`{"action":"echo","arg":"x"}`)))
	}
	report(b, op, floor)
}

// BenchmarkSNSPublish16: publishes per second from 16 concurrent clients to
// a topic with one Lambda subscription, against the same 16 clients'
// publishes to a bare HTTP server answering every Publish at once.
func BenchmarkSNSPublish16(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--isolation", "process"}})
	createFunction(b, srv.Lambda(), "sink", goFunctionZip(b))
	client := snsClient(srv)
	ctx := context.Background()
	topic, err := client.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("lambda"), Endpoint: aws.String("arn:aws:lambda:us-east-1:000000000000:function:sink")}); err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`))
	}))
	b.Cleanup(bare.Close)
	bareClient := sns.New(sns.Options{Region: gusttest.Region, BaseEndpoint: aws.String(bare.URL),
		Credentials: credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""), RetryMaxAttempts: 1})
	b.ResetTimer()
	publish := func(c *sns.Client) func() error {
		return func() error {
			_, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("hello")})
			return err
		}
	}
	gust := perSecond16(b, publish(client))
	floor := perSecond16(b, publish(bareClient))
	b.ReportMetric(gust, "published/s")
	b.ReportMetric(floor, "floor-req/s")
	b.ReportMetric(gust/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}
