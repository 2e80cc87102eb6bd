package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// collector receives what functions report over HTTP. Asynchronous tests
// run functions with the process backend so they can reach it: the
// namespace sandbox has no network path out yet.
type collector struct {
	*httptest.Server
	mu      sync.Mutex
	reports []map[string]any
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.reports = append(c.reports, v)
		c.mu.Unlock()
	}))
	t.Cleanup(c.Close)
	return c
}

// matching returns the reports for which keep is true.
func (c *collector) matching(keep func(map[string]any) bool) []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, r := range c.reports {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func (c *collector) waitFor(t *testing.T, what string, n int, keep func(map[string]any) bool) []map[string]any {
	t.Helper()
	var got []map[string]any
	gusttest.WaitFor(t, 120*time.Second, what, func() bool {
		got = c.matching(keep)
		return len(got) >= n
	})
	return got
}

func isRecord(condition string) func(map[string]any) bool {
	return func(r map[string]any) bool {
		rc, ok := r["requestContext"].(map[string]any)
		return ok && rc["condition"] == condition
	}
}

func withArg(arg string) func(map[string]any) bool {
	return func(r map[string]any) bool { return r["arg"] == arg && r["requestContext"] == nil }
}

func startAsyncServer(t *testing.T, extra ...string) (*gusttest.Server, *lambda.Client, *collector) {
	col := newCollector(t)
	srv := gusttest.Start(t, gusttest.Options{Args: append([]string{"--isolation", "process", "--async-retry-delay", "200ms", "--async-throttle-delay", "100ms"}, extra...)})
	c := srv.Lambda()
	env := &types.Environment{Variables: map[string]string{"REPORT_URL": col.URL}}
	createFunction(t, c, "worker", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Environment = env })
	createFunction(t, c, "recorder", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Environment = env })
	return srv, c, col
}

const recorderARN = "arn:aws:lambda:us-east-1:000000000000:function:recorder"

func invokeEvent(t *testing.T, c *lambda.Client, fn string, payload string) string {
	t.Helper()
	res, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String(fn), InvocationType: types.InvocationTypeEvent, Payload: []byte(payload)})
	if err != nil {
		t.Fatalf("Event invoke: %v", err)
	}
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("Event invoke status %d, want 202", res.StatusCode)
	}
	return ""
}

func TestAsyncSuccessDestination(t *testing.T) {
	_, c, col := startAsyncServer(t)
	ctx := gusttest.Context(t)
	_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName:      aws.String("worker"),
		DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(recorderARN)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	invokeEvent(t, c, "worker", `{"action":"report","arg":"hello-async"}`)
	ran := col.waitFor(t, "the async invocation", 1, withArg("hello-async"))
	rec := col.waitFor(t, "the success record", 1, isRecord("Success"))[0]
	rc := rec["requestContext"].(map[string]any)
	if rc["requestId"] != ran[0]["requestId"] || rc["functionArn"] != "arn:aws:lambda:us-east-1:000000000000:function:worker:$LATEST" || rc["approximateInvokeCount"] != float64(1) {
		t.Errorf("requestContext = %v (function saw request %v)", rc, ran[0]["requestId"])
	}
	if rec["version"] != "1.0" || rec["timestamp"] == nil {
		t.Errorf("record header = %v %v", rec["version"], rec["timestamp"])
	}
	if rp := rec["requestPayload"].(map[string]any); rp["arg"] != "hello-async" {
		t.Errorf("requestPayload = %v", rp)
	}
	resp := rec["responseContext"].(map[string]any)
	if resp["statusCode"] != float64(200) || resp["executedVersion"] != "$LATEST" || resp["functionError"] != nil {
		t.Errorf("responseContext = %v", resp)
	}
	if rp := rec["responsePayload"].(map[string]any); rp["reported"] != "hello-async" {
		t.Errorf("responsePayload = %v", rp)
	}
	// The legacy InvokeAsync runs the function too.
	out, err := c.InvokeAsync(ctx, &lambda.InvokeAsyncInput{FunctionName: aws.String("worker"), InvokeArgs: strings.NewReader(`{"action":"report","arg":"legacy"}`)})
	if err != nil || out.Status != 202 {
		t.Fatalf("InvokeAsync = %v, %v", out, err)
	}
	col.waitFor(t, "the InvokeAsync invocation", 1, withArg("legacy"))
}

func TestAsyncRetriesThenFailureDestination(t *testing.T) {
	_, c, col := startAsyncServer(t)
	ctx := gusttest.Context(t)
	_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName:         aws.String("worker"),
		MaximumRetryAttempts: aws.Int32(2),
		DestinationConfig:    &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(recorderARN)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	invokeEvent(t, c, "worker", `{"action":"report","arg":"always-fails","n":1}`)
	rec := col.waitFor(t, "the failure record", 1, isRecord("RetriesExhausted"))[0]
	attempts := col.matching(withArg("always-fails"))
	if len(attempts) != 3 {
		t.Errorf("the function ran %d times, want 1 + 2 retries", len(attempts))
	}
	for _, a := range attempts {
		if a["requestId"] != attempts[0]["requestId"] {
			t.Errorf("retries used request ids %v and %v; Lambda keeps one", a["requestId"], attempts[0]["requestId"])
		}
	}
	rc := rec["requestContext"].(map[string]any)
	resp := rec["responseContext"].(map[string]any)
	if rc["approximateInvokeCount"] != float64(3) || resp["functionError"] != "Unhandled" {
		t.Errorf("failure record = %v / %v", rc, resp)
	}
	if rp := rec["responsePayload"].(map[string]any); rp["errorMessage"] != "failing as asked" {
		t.Errorf("responsePayload = %v", rp)
	}

	// With no retries, one attempt only.
	if _, err := c.UpdateFunctionEventInvokeConfig(ctx, &lambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"), MaximumRetryAttempts: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	invokeEvent(t, c, "worker", `{"action":"report","arg":"fails-once","n":1}`)
	col.waitFor(t, "the second failure record", 2, isRecord("RetriesExhausted"))
	if n := len(col.matching(withArg("fails-once"))); n != 1 {
		t.Errorf("with MaximumRetryAttempts 0 the function ran %d times", n)
	}
}

func TestAsyncMaximumEventAge(t *testing.T) {
	// The smallest age AWS allows is 60 s; a 35 s retry delay makes the
	// second retry fall past it.
	_, c, col := startAsyncServer(t, "--async-retry-delay", "35s")
	ctx := gusttest.Context(t)
	_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName:             aws.String("worker"),
		MaximumEventAgeInSeconds: aws.Int32(60),
		DestinationConfig:        &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(recorderARN)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	invokeEvent(t, c, "worker", `{"action":"report","arg":"too-old","n":1}`)
	rec := col.waitFor(t, "the event-age record", 1, isRecord("EventAgeExceeded"))[0]
	if n := len(col.matching(withArg("too-old"))); n != 2 {
		t.Errorf("the function ran %d times before the event expired, want 2", n)
	}
	if rc := rec["requestContext"].(map[string]any); rc["approximateInvokeCount"] != float64(2) {
		t.Errorf("requestContext = %v", rc)
	}
}

func TestAsyncPayloadLimitAndConfigValidation(t *testing.T) {
	_, c, _ := startAsyncServer(t)
	ctx := gusttest.Context(t)
	big := `{"action":"echo","arg":"` + strings.Repeat("x", 1024*1024) + `"}`
	_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("worker"), InvocationType: types.InvocationTypeEvent, Payload: []byte(big)})
	if apiErrorCode(err) != "RequestEntityTooLargeException" {
		t.Errorf("1 MB async payload: %v", err)
	}
	for _, tc := range []struct {
		in   *lambda.PutFunctionEventInvokeConfigInput
		code string
	}{
		{&lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"), MaximumRetryAttempts: aws.Int32(3)}, "ValidationException"},
		{&lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"), MaximumEventAgeInSeconds: aws.Int32(30)}, "ValidationException"},
		{&lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"), DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String("arn:aws:dynamodb:us-east-1:000000000000:table/t")}}}, "InvalidParameterValueException"},
		{&lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("nobody")}, "ResourceNotFoundException"},
	} {
		if _, err := c.PutFunctionEventInvokeConfig(ctx, tc.in); apiErrorCode(err) != tc.code {
			t.Errorf("PutFunctionEventInvokeConfig(%+v) = %v, want %s", tc.in, err, tc.code)
		}
	}
	put, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"), MaximumRetryAttempts: aws.Int32(1), MaximumEventAgeInSeconds: aws.Int32(120)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:worker:$LATEST" || put.LastModified == nil {
		t.Errorf("Put = %+v", put)
	}
	upd, err := c.UpdateFunctionEventInvokeConfig(ctx, &lambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"), MaximumEventAgeInSeconds: aws.Int32(300)})
	if err != nil || aws.ToInt32(upd.MaximumRetryAttempts) != 1 || aws.ToInt32(upd.MaximumEventAgeInSeconds) != 300 {
		t.Errorf("Update kept retries %d and set age %d (%v)", aws.ToInt32(upd.MaximumRetryAttempts), aws.ToInt32(upd.MaximumEventAgeInSeconds), err)
	}
	got, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("worker")})
	if err != nil || aws.ToInt32(got.MaximumEventAgeInSeconds) != 300 {
		t.Errorf("Get = %+v, %v", got, err)
	}
	list, err := c.ListFunctionEventInvokeConfigs(ctx, &lambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("worker")})
	if err != nil || len(list.FunctionEventInvokeConfigs) != 1 {
		t.Errorf("List = %+v, %v", list, err)
	}
	if _, err := c.DeleteFunctionEventInvokeConfig(ctx, &lambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("worker")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("worker")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Errorf("Get after delete: %v", err)
	}
}

// TestAsyncSurvivesCrash accepts events, kills the server with SIGKILL
// right after the last 202, restarts it, and expects every event to run.
func TestAsyncSurvivesCrash(t *testing.T) {
	srv, c, col := startAsyncServer(t, "--async-ack-wait", "2s")
	const n = 40
	for i := range n {
		invokeEvent(t, c, "worker", fmt.Sprintf(`{"action":"report","arg":"crash-%d"}`, i))
	}
	srv.Kill()
	srv.Start()
	gusttest.WaitFor(t, 90*time.Second, "every accepted event to run", func() bool {
		seen := map[any]bool{}
		for _, r := range col.matching(func(r map[string]any) bool { return strings.HasPrefix(fmt.Sprint(r["arg"]), "crash-") }) {
			seen[r["arg"]] = true
		}
		return len(seen) == n
	})
	runs := len(col.matching(func(r map[string]any) bool { return strings.HasPrefix(fmt.Sprint(r["arg"]), "crash-") }))
	t.Logf("%d events accepted, %d runs after the crash (duplicates: %d)", n, runs, runs-n)
	if runs > 2*n {
		t.Errorf("%d runs for %d events: duplicates are not rare", runs, n)
	}
}

// TestAsyncThrottledUntilMaximumEventAge: with reserved concurrency 0
// every attempt is throttled; throttles do not count as retries, so the
// event is retried until its age runs out and then goes to the on-failure
// destination without ever running.
func TestAsyncThrottledUntilMaximumEventAge(t *testing.T) {
	_, c, col := startAsyncServer(t)
	ctx := gusttest.Context(t)
	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("worker"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName:             aws.String("worker"),
		MaximumEventAgeInSeconds: aws.Int32(60),
		MaximumRetryAttempts:     aws.Int32(0),
		DestinationConfig:        &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(recorderARN)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	invokeEvent(t, c, "worker", `{"action":"report","arg":"throttled"}`)
	rec := col.waitFor(t, "the event-age record of a throttled event", 1, isRecord("EventAgeExceeded"))[0]
	if n := len(col.matching(withArg("throttled"))); n != 0 {
		t.Errorf("a function with reserved concurrency 0 ran %d times", n)
	}
	rc := rec["requestContext"].(map[string]any)
	if rc["approximateInvokeCount"] != float64(0) || rec["responseContext"] != nil {
		t.Errorf("record of a never-run event = %v / %v", rc, rec["responseContext"])
	}
}
