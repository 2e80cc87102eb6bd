package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// Benchmarks report each figure beside its floor measured in the same run:
//
//	go test -run '^$' -bench . -benchtime 2000x ./e2e
//
// Metrics: p50-ms/p99-ms of the operation, floor-p50-ms/floor-p99-ms of the
// floor, and x-floor-p50 = p50 / floor p50.

// latencies collects durations and reports percentiles.
type latencies []time.Duration

func (l latencies) pct(p float64) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func report(b *testing.B, op, floor latencies) {
	b.ReportMetric(ms(op.pct(0.50)), "p50-ms")
	b.ReportMetric(ms(op.pct(0.99)), "p99-ms")
	b.ReportMetric(ms(floor.pct(0.50)), "floor-p50-ms")
	b.ReportMetric(ms(floor.pct(0.99)), "floor-p99-ms")
	b.ReportMetric(float64(op.pct(0.50))/float64(floor.pct(0.50)), "x-floor-p50")
	b.ReportMetric(0, "ns/op") // wall time per op is meaningless beside the percentiles
}

// bareLambdaClient is the same SDK client pointed at a bare HTTP server that
// answers every Invoke with {} at once: the floor of a round trip.
func bareLambdaClient(b *testing.B) *lambda.Client {
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	b.Cleanup(bare.Close)
	return lambda.New(lambda.Options{
		Region: gusttest.Region, BaseEndpoint: aws.String(bare.URL),
		Credentials: credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
	})
}

func invokeOnce(b *testing.B, c *lambda.Client, fn string, payload []byte) time.Duration {
	start := time.Now()
	res, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload})
	d := time.Since(start)
	if err != nil || res.FunctionError != nil {
		b.Fatalf("invoke: %v", err)
	}
	return d
}

// BenchmarkWarmInvoke: a warm Go function through aws-sdk-go-v2, against
// the same client's round trip to a bare HTTP server.
func BenchmarkWarmInvoke(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "warm", goFunctionZip(b))
	bare := bareLambdaClient(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	invokeOnce(b, c, "warm", payload) // cold start, not measured
	invokeOnce(b, bare, "warm", payload)
	var op, floor latencies
	b.ResetTimer()
	for range b.N {
		op = append(op, invokeOnce(b, c, "warm", payload))
		floor = append(floor, invokeOnce(b, bare, "warm", payload))
	}
	report(b, op, floor)
}

// BenchmarkThroughput16: invocations per second with 16 concurrent clients,
// against the same 16 clients on the bare server.
func BenchmarkThroughput16(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "tput", goFunctionZip(b))
	bare := bareLambdaClient(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	run := func(client *lambda.Client) float64 {
		var wg sync.WaitGroup
		start := time.Now()
		per := max(b.N/16, 1)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range per {
					invokeOnce(b, client, "tput", payload)
				}
			}()
		}
		wg.Wait()
		return float64(per*16) / time.Since(start).Seconds()
	}
	run(c) // start the 16 environments
	b.ResetTimer()
	gust := run(c)
	floor := run(bare)
	b.ReportMetric(gust, "invokes/s")
	b.ReportMetric(floor, "floor-req/s")
	b.ReportMetric(gust/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkColdStartProvided: the first invoke of a new provided function
// (a pooled sandbox specialised, or a sandbox built when the pool is
// empty; bootstrap exec, init, one event), against fork+exec of a static
// binary that exits at once. Between iterations, untimed, it waits for the
// pool to hold a sandbox again (pooled-share: the share of cold starts
// that took one); cold-minus-warm is the first invoke less the second.
func BenchmarkColdStartProvided(b *testing.B) {
	// Idle environments are reaped after a second: kept for the default
	// 10 minutes, 200 of them would fill the node's memory budget, which
	// pools never take from functions' environments.
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--idle-timeout", "1s"}})
	c := srv.Lambda()
	code := goFunctionZip(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	static := staticBinary(b)
	var op, extra, floor latencies
	for i := range b.N {
		name := fmt.Sprintf("cold-%d", i)
		b.StopTimer()
		waitPoolAtLeast(b, srv, "provided", 1)
		createFunction(b, c, name, code)
		b.StartTimer()
		cold := invokeOnce(b, c, name, payload)
		warm := invokeOnce(b, c, name, payload)
		op = append(op, cold)
		extra = append(extra, cold-warm)
		start := time.Now()
		if err := exec.Command(static).Run(); err != nil {
			b.Fatal(err)
		}
		floor = append(floor, time.Since(start))
	}
	report(b, op, floor)
	b.ReportMetric(ms(extra.pct(0.50)), "cold-minus-warm-p50-ms")
	b.ReportMetric(ms(extra.pct(0.99)), "cold-minus-warm-p99-ms")
	b.ReportMetric(poolSample(b, srv, "gust_pooled_environments_taken_total", "provided", "")/float64(b.N), "pooled-share")
}

func staticBinary(b *testing.B) string {
	dir := b.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\nfunc main() {}\n"), 0o644)
	bin := filepath.Join(dir, "noop")
	cmd := exec.Command("go", "build", "-o", bin, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building static binary: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkAsyncAccept: Event invocations accepted (durably queued, 202)
// per second by 16 concurrent clients, against the same clients' requests
// per second to a bare HTTP server.
func BenchmarkAsyncAccept(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "sink", goFunctionZip(b))
	bare := bareLambdaClient(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	run := func(client *lambda.Client) float64 {
		var wg sync.WaitGroup
		per := max(b.N/16, 1)
		start := time.Now()
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range per {
					if _, err := client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("sink"), InvocationType: "Event", Payload: payload}); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return float64(per*16) / time.Since(start).Seconds()
	}
	b.ResetTimer()
	gust := run(c)
	floor := run(bare)
	b.ReportMetric(gust, "accepted/s")
	b.ReportMetric(floor, "floor-req/s")
	b.ReportMetric(gust/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkAsyncEndToEnd: from sending an Event invoke to the function
// reporting it ran (process backend, so the function can reach the
// collector), against a warm synchronous invoke of the same function.
func BenchmarkAsyncEndToEnd(b *testing.B) {
	arrived := make(chan string, 16)
	col := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v struct{ Arg string }
		json.NewDecoder(r.Body).Decode(&v)
		arrived <- v.Arg
	}))
	b.Cleanup(col.Close)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--isolation", "process"}})
	c := srv.Lambda()
	createFunction(b, c, "e2e", goFunctionZip(b), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"REPORT_URL": col.URL}}
	})
	syncPayload := []byte(`{"action":"echo","arg":"x"}`)
	invokeOnce(b, c, "e2e", syncPayload)
	var op, floor latencies
	b.ResetTimer()
	for i := range b.N {
		arg := fmt.Sprint("e-", i)
		start := time.Now()
		if _, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("e2e"), InvocationType: "Event", Payload: []byte(`{"action":"report","arg":"` + arg + `"}`)}); err != nil {
			b.Fatal(err)
		}
		for got := <-arrived; got != arg; got = <-arrived {
		}
		op = append(op, time.Since(start))
		floor = append(floor, invokeOnce(b, c, "e2e", syncPayload))
	}
	report(b, op, floor)
}
