package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

// benchSQSClient is an SQS client for endpoint; MD5 checks are off so the
// same client can talk to the bare server (which answers {}).
func benchSQSClient(endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region: gusttest.Region, BaseEndpoint: aws.String(endpoint),
		Credentials:                      credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
		DisableMessageChecksumValidation: true,
	})
}

// sendReceiveDelete is one SQS cycle: send, receive one, delete it.
func sendReceiveDelete(b *testing.B, c *sqs.Client, url string) {
	ctx := context.Background()
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 1, WaitTimeSeconds: 1})
	if err != nil {
		b.Fatal(err)
	}
	handle := aws.String("none")
	if len(out.Messages) > 0 {
		handle = out.Messages[0].ReceiptHandle
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: handle}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSQSSendReceiveDelete16: Send+Receive+Delete cycles per second
// with 16 aws-sdk-go-v2 clients (each on its own queue), against the same
// clients' three round trips to a bare server in a process of its own.
func BenchmarkSQSSendReceiveDelete16(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	addr, _ := bareProcess(b)
	gustClient, bare := benchSQSClient(srv.Endpoint), benchSQSClient("http://"+addr)
	urls := make([]string, 16)
	for i := range urls {
		urls[i], _ = createQueue(b, sqsClient(srv), fmt.Sprintf("bench-%d", i), nil)
	}
	run := func(c *sqs.Client) float64 {
		var wg sync.WaitGroup
		per := max(b.N/16, 1)
		start := time.Now()
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range per {
					sendReceiveDelete(b, c, urls[i])
				}
			}()
		}
		wg.Wait()
		return float64(per*16) / time.Since(start).Seconds()
	}
	run(gustClient) // warm up connections and consumers
	b.ResetTimer()
	gust := run(gustClient)
	floor := run(bare)
	b.ReportMetric(gust, "cycles/s")
	b.ReportMetric(floor, "floor-cycles/s")
	b.ReportMetric(gust/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}

// arrivals records when each message body reached the collector.
type arrivals struct {
	*httptest.Server
	ch chan string
}

func newArrivals(b *testing.B) *arrivals {
	a := &arrivals{ch: make(chan string, 1<<16)}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.ch <- string(body)
	}))
	b.Cleanup(a.Close)
	return a
}

// BenchmarkSQSMappingLatency: from the start of SendMessage to the
// function's report reaching the benchmark (the function POSTs each
// event), one message at a time through a mapping on an idle queue; the
// floor is the same client's SendMessage round trip to a bare server.
// Functions run with the process backend so they can reach the collector.
func BenchmarkSQSMappingLatency(b *testing.B) {
	col := newArrivals(b)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--isolation", "process"}})
	lc, qc := srv.Lambda(), sqsClient(srv)
	createFunction(b, lc, "latency", makeZip(b, zipFile{Name: "bootstrap", Body: goBinary(b, "./e2e/fixtures/sqsgofn"), Mode: 0o755}),
		func(in *lambda.CreateFunctionInput) {
			in.Environment = &ltypes.Environment{Variables: map[string]string{"REPORT_URL": col.URL}}
		})
	url, arn := createQueue(b, qc, "latency", nil)
	createMapping(b, lc, "latency", arn)
	addr, _ := bareProcess(b)
	bare := benchSQSClient("http://" + addr)
	ctx := context.Background()
	one := func(c *sqs.Client, wait bool) time.Duration {
		start := time.Now()
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")}); err != nil {
			b.Fatal(err)
		}
		if wait {
			select {
			case <-col.ch:
			case <-time.After(30 * time.Second):
				b.Fatal("message never reached the function")
			}
		}
		return time.Since(start)
	}
	one(qc, true) // cold start
	var op, floor latencies
	b.ResetTimer()
	for range b.N {
		time.Sleep(50 * time.Millisecond) // the queue is idle: pollers wait in a long poll
		op = append(op, one(qc, true))
		floor = append(floor, one(bare, false))
	}
	report(b, op, floor)
}

// BenchmarkSQSDrain: messages per second a mapping (BatchSize 10) drains
// from a filled queue into a trivial Go function (sqsgofn without
// REPORT_URL: it returns at once); the floor is the same
// messages received and deleted in batches of 10 by 16 SDK clients with no
// function.
func BenchmarkSQSDrain(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	lc, qc := srv.Lambda(), sqsClient(srv)
	createFunction(b, lc, "drain", makeZip(b, zipFile{Name: "bootstrap", Body: goBinary(b, "./e2e/fixtures/sqsgofn"), Mode: 0o755}))
	n := max(b.N, 1000) / 10 * 10
	fill := func(url string) {
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w * 10; i < n; i += 160 {
					var entries []types.SendMessageBatchRequestEntry
					for j := range 10 {
						entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), MessageBody: aws.String(`{"n":` + strconv.Itoa(i+j) + `}`)})
					}
					if _, err := qc.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries}); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	empty := func(url string) {
		for {
			if v, f := queueCounts(b, qc, url); v == 0 && f == 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	floorURL, _ := createQueue(b, qc, "drain-floor", nil)
	fill(floorURL)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				out, err := qc.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(floorURL), MaxNumberOfMessages: 10})
				if err != nil {
					b.Error(err)
					return
				}
				if len(out.Messages) == 0 {
					return
				}
				var del []types.DeleteMessageBatchRequestEntry
				for i, m := range out.Messages {
					del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
				}
				if _, err := qc.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(floorURL), Entries: del}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	empty(floorURL)
	floor := float64(n) / time.Since(start).Seconds()
	b.StopTimer()

	url, arn := createQueue(b, qc, "drain", nil)
	fill(url)
	b.StartTimer()
	start = time.Now()
	createMapping(b, lc, "drain", arn, func(in *lambda.CreateEventSourceMappingInput) { in.FunctionResponseTypes = nil })
	empty(url)
	drained := float64(n) / time.Since(start).Seconds()
	b.ReportMetric(drained, "msgs/s")
	b.ReportMetric(floor, "floor-msgs/s")
	b.ReportMetric(drained/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}
