package e2e

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// invokeJSON invokes fn with payload v and decodes a successful result into out.
func invokeJSON(t testing.TB, c *lambda.Client, fn string, v any, out any) *lambda.InvokeOutput {
	t.Helper()
	res, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: mustJSON(t, v), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatalf("Invoke %s: %v", fn, err)
	}
	if res.FunctionError != nil {
		t.Fatalf("Invoke %s: function error %s: %s", fn, aws.ToString(res.FunctionError), res.Payload)
	}
	if out != nil {
		if err := json.Unmarshal(res.Payload, out); err != nil {
			t.Fatalf("decoding %s: %v", res.Payload, err)
		}
	}
	return res
}

func logTail(t testing.TB, res *lambda.InvokeOutput) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(aws.ToString(res.LogResult))
	if err != nil {
		t.Fatalf("LogResult is not base64: %v", err)
	}
	return string(b)
}

type contextResult struct {
	RequestID     string            `json:"requestId"`
	FunctionArn   string            `json:"functionArn"`
	RemainingMs   int64             `json:"remainingMs"`
	ClientContext map[string]string `json:"clientContext"`
	Env           map[string]string `json:"env"`
	Pid           int               `json:"pid"`
	Invocations   int               `json:"invocations"`
}

func TestInvokeGoFunction(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createFunction(t, c, "gofn", goFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(2)
		in.MemorySize = aws.Int32(256)
		in.Environment = &types.Environment{Variables: map[string]string{"MY_VAR": "mine"}}
	})

	// Echo through the SDK, with Tail logs.
	var echoed map[string]any
	res := invokeJSON(t, c, "gofn", map[string]any{"action": "echo", "arg": "hello"}, &echoed)
	if echoed["arg"] != "hello" || res.StatusCode != 200 || aws.ToString(res.ExecutedVersion) != "$LATEST" {
		t.Fatalf("echo = %v (status %d, version %s)", echoed, res.StatusCode, aws.ToString(res.ExecutedVersion))
	}
	tail := logTail(t, res)
	for _, want := range []string{"START RequestId: ", "END RequestId: ", "REPORT RequestId: ", "Billed Duration: ", "Memory Size: 256 MB", "Max Memory Used: ", "Init Duration: "} {
		if !strings.Contains(tail, want) {
			t.Errorf("cold log tail lacks %q:\n%s", want, tail)
		}
	}
	if strings.Contains(tail, "INIT_START") { // in the log group, not in AWS's LogResult
		t.Errorf("cold log tail has INIT_START:\n%s", tail)
	}

	// Context and environment.
	clientContext := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"who":"test"}}`))
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("gofn"), Payload: []byte(`{"action":"context"}`), ClientContext: aws.String(clientContext), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	var got contextResult
	if err := json.Unmarshal(out.Payload, &got); err != nil {
		t.Fatalf("%v: %s", err, out.Payload)
	}
	if got.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:gofn" {
		t.Errorf("invoked ARN = %s", got.FunctionArn)
	}
	if got.RemainingMs <= 0 || got.RemainingMs > 2000 {
		t.Errorf("remaining time %d ms with a 2 s timeout", got.RemainingMs)
	}
	if got.ClientContext["who"] != "test" {
		t.Errorf("client context custom = %v", got.ClientContext)
	}
	if !strings.Contains(logTail(t, out), "REPORT RequestId: "+got.RequestID) {
		t.Errorf("request id %s is not the one in the log:\n%s", got.RequestID, logTail(t, out))
	}
	wantEnv := map[string]string{
		"MY_VAR":                          "mine",
		"AWS_LAMBDA_FUNCTION_NAME":        "gofn",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/gofn",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_EXECUTION_ENV":               "AWS_Lambda_provided.al2023",
		"_HANDLER":                        "bootstrap",
		"LAMBDA_TASK_ROOT":                "/var/task",
		"LAMBDA_RUNTIME_DIR":              "/var/runtime",
		"TZ":                              ":UTC",
	}
	for k, v := range wantEnv {
		if got.Env[k] != v {
			t.Errorf("env %s = %q, want %q", k, got.Env[k], v)
		}
	}
	if !strings.HasPrefix(got.Env["AWS_LAMBDA_LOG_STREAM_NAME"], time.Now().UTC().Format("2006/01/02")+"/[$LATEST]") || got.Env["AWS_LAMBDA_RUNTIME_API"] == "" {
		t.Errorf("log stream %q / runtime api %q", got.Env["AWS_LAMBDA_LOG_STREAM_NAME"], got.Env["AWS_LAMBDA_RUNTIME_API"])
	}
	for _, leaked := range []string{"GUST_ACCESS_KEY_ID", "GUST_SECRET_ACCESS_KEY", "HOME"} {
		if _, ok := got.Env[leaked]; ok {
			t.Errorf("server variable %s leaked into the function", leaked)
		}
	}

	// Warm reuse: same process, globals and /tmp kept, no Init Duration.
	var first, second struct {
		Pid         int    `json:"pid"`
		Invocations int    `json:"invocations"`
		PreviousTmp string `json:"previousTmp"`
	}
	invokeJSON(t, c, "gofn", map[string]any{"action": "state"}, &first)
	warm := invokeJSON(t, c, "gofn", map[string]any{"action": "state"}, &second)
	if second.Pid != first.Pid || second.Invocations != first.Invocations+1 || second.PreviousTmp != fmt.Sprint(first.Invocations) {
		t.Errorf("not reused: first %+v, second %+v", first, second)
	}
	if tail := logTail(t, warm); strings.Contains(tail, "Init Duration") || strings.Contains(tail, "INIT_START") {
		t.Errorf("warm invoke reported init:\n%s", tail)
	}

	// Printed lines reach the tail, stdout and stderr.
	printed := invokeJSON(t, c, "gofn", map[string]any{"action": "print", "arg": "line-from-function"}, nil)
	if tail := logTail(t, printed); !strings.Contains(tail, "line-from-function\n") || !strings.Contains(tail, "stderr:line-from-function") {
		t.Errorf("printed lines missing from tail:\n%s", tail)
	}

	// Function error: 200, Unhandled, the error JSON.
	errRes, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("gofn"), Payload: []byte(`{"action":"error","arg":"boom"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var fnErr struct{ ErrorMessage, ErrorType string }
	json.Unmarshal(errRes.Payload, &fnErr)
	if errRes.StatusCode != 200 || aws.ToString(errRes.FunctionError) != "Unhandled" || fnErr.ErrorMessage != "boom" || fnErr.ErrorType != "errorString" {
		t.Errorf("function error: status %d, FunctionError %v, payload %s", errRes.StatusCode, errRes.FunctionError, errRes.Payload)
	}
	// The environment survives a handled error.
	var afterErr contextResult
	invokeJSON(t, c, "gofn", map[string]any{"action": "context"}, &afterErr)
	if afterErr.Pid != got.Pid {
		t.Errorf("function error replaced the environment")
	}

	// DryRun: 204 and nothing runs.
	dry, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("gofn"), InvocationType: types.InvocationTypeDryRun})
	if err != nil || dry.StatusCode != 204 {
		t.Errorf("DryRun = %v, %v", dry, err)
	}
}

func TestInvokeFailures(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createFunction(t, c, "fails", goFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(1)
		in.MemorySize = aws.Int32(128)
	})
	failing := func(payload string) (string, map[string]string, string) {
		t.Helper()
		res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fails"), Payload: []byte(payload), LogType: types.LogTypeTail})
		if err != nil {
			t.Fatalf("Invoke(%s): %v", payload, err)
		}
		var body map[string]string
		json.Unmarshal(res.Payload, &body)
		if res.StatusCode != 200 {
			t.Errorf("status %d", res.StatusCode)
		}
		return aws.ToString(res.FunctionError), body, logTail(t, res)
	}
	healthy := func() {
		t.Helper()
		var echoed map[string]any
		invokeJSON(t, c, "fails", map[string]any{"action": "echo", "arg": "still works"}, &echoed)
		if echoed["arg"] != "still works" {
			t.Fatalf("next invoke after a failure: %v", echoed)
		}
	}

	fe, body, tail := failing(`{"action":"sleep","n":5000}`)
	if fe != "Unhandled" || body["errorType"] != "Sandbox.Timedout" || !strings.Contains(body["errorMessage"], "Task timed out after 1.00 seconds") || !strings.HasPrefix(body["errorMessage"], "RequestId: ") {
		t.Errorf("timeout: %s %v", fe, body)
	}
	if !strings.Contains(tail, "Task timed out after 1.00 seconds") {
		t.Errorf("timeout log:\n%s", tail)
	}
	healthy()

	fe, body, _ = failing(`{"action":"exit","n":3}`)
	if fe != "Unhandled" || body["errorType"] != "Runtime.ExitError" || !strings.Contains(body["errorMessage"], "Runtime exited with error: exit status 3") {
		t.Errorf("exit: %s %v", fe, body)
	}
	healthy()

	fe, body, _ = failing(`{"action":"oom","n":400}`)
	if fe != "Unhandled" || body["errorType"] != "Runtime.OutOfMemory" {
		t.Errorf("out of memory: %s %v", fe, body)
	}
	healthy()

	// A response over 6 MB.
	fe, body, _ = failing(`{"action":"big","n":7000000}`)
	if fe != "Unhandled" || body["errorType"] != "Function.ResponseSizeTooLarge" {
		t.Errorf("oversized response: %s %v", fe, body)
	}
	healthy()

	// A runtime that exits cleanly mid-invocation.
	fe, body, _ = failing(`{"action":"exit","n":0}`)
	if fe != "Unhandled" || body["errorType"] != "Runtime.ExitError" || !strings.HasSuffix(body["errorMessage"], " Error: Runtime exited without providing a reason") {
		t.Errorf("exit 0: %s %v", fe, body)
	}
	healthy()

	// A request over 6 MB is refused before anything runs.
	big := `{"action":"echo","arg":"` + strings.Repeat("x", 6*1024*1024) + `"}`
	_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fails"), Payload: []byte(big)})
	var tooLarge *types.RequestTooLargeException
	if code := apiErrorCode(err); code != "RequestEntityTooLargeException" && !errors.As(err, &tooLarge) {
		t.Errorf("oversized request: %v", err)
	}

	// A missing function and invalid JSON.
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope"), Payload: []byte(`{}`)})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("missing function: %v", err)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("fails"), Payload: []byte(`{not json`)})
	var bad *types.InvalidRequestContentException
	if !errors.As(err, &bad) {
		t.Errorf("invalid JSON payload: %v", err)
	}
}

func TestInitFailures(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	// A bootstrap that exits before reaching /next.
	createFunction(t, c, "dies", makeZip(t, zipFile{Name: "bootstrap", Body: []byte("#!/bin/sh\necho dying during init\nexit 7\n"), Mode: 0o755}))
	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("dies"), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(res.FunctionError) != "Unhandled" || !strings.Contains(string(res.Payload), "Runtime.ExitError") || !strings.Contains(string(res.Payload), "exit status 7") {
		t.Errorf("init exit: %v %s", res.FunctionError, res.Payload)
	}
	if tail := logTail(t, res); !strings.Contains(tail, "dying during init") {
		t.Errorf("init output missing from tail:\n%s", tail)
	}
	// A package without bootstrap.
	createFunction(t, c, "nobootstrap", makeZip(t, zipFile{Name: "readme.txt", Body: []byte("no entry point")}))
	res, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nobootstrap")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(res.FunctionError) != "Unhandled" || !strings.Contains(string(res.Payload), "Runtime.InvalidEntrypoint") {
		t.Errorf("missing bootstrap: %v %s", res.FunctionError, res.Payload)
	}
	// A runtime that reports an init error through the Runtime API.
	initErr := "#!/bin/sh\ncurl -sS -X POST -H 'Lambda-Runtime-Function-Error-Type: Runtime.ConfigError' -d '{\"errorMessage\":\"bad config\",\"errorType\":\"Runtime.ConfigError\"}' http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/init/error\nsleep 5\n"
	createFunction(t, c, "initerror", makeZip(t, zipFile{Name: "bootstrap", Body: []byte(initErr), Mode: 0o755}))
	res, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("initerror")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(res.FunctionError) != "Unhandled" || !strings.Contains(string(res.Payload), "bad config") {
		t.Errorf("init error: %v %s", res.FunctionError, res.Payload)
	}
}

func TestBashCurlBootstrap(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	createFunction(t, c, "bashfn", bashFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.Handler = aws.String("function.handler")
		in.Runtime = types.RuntimeProvidedal2
	})
	var got struct {
		Echo    map[string]any `json:"echo"`
		Handler string         `json:"handler"`
		User    string         `json:"user"`
	}
	res := invokeJSON(t, c, "bashfn", map[string]any{"hello": "bash"}, &got)
	if got.Echo["hello"] != "bash" || got.Handler != "function.handler" {
		t.Fatalf("bash runtime answered %+v", got)
	}
	if !strings.Contains(logTail(t, res), "bash runtime got ") {
		t.Errorf("bash output missing from log:\n%s", logTail(t, res))
	}
	failed, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String("bashfn"), Payload: []byte(`"fail"`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(failed.FunctionError) != "Unhandled" || !strings.Contains(string(failed.Payload), "asked to fail") {
		t.Errorf("bash error: %v %s", failed.FunctionError, failed.Payload)
	}
}

func TestConcurrentInvokesUseSeparateEnvironments(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	createFunction(t, c, "parallel", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(20) })
	const n = 4
	type span struct {
		Stream     string `json:"stream"`
		Start, End int64
	}
	spans := make([]span, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String("parallel"), Payload: []byte(`{"action":"sleep","n":1500}`)})
			if err != nil || res.FunctionError != nil {
				t.Errorf("invoke: %v %s", err, res.Payload)
				return
			}
			json.Unmarshal(res.Payload, &spans[i])
		}()
	}
	wg.Wait()
	streams := map[string]bool{}
	var latestStart, earliestEnd int64 = 0, 1 << 62
	for _, s := range spans {
		streams[s.Stream] = true
		latestStart = max(latestStart, s.Start)
		earliestEnd = min(earliestEnd, s.End)
	}
	if len(streams) != n {
		t.Errorf("%d concurrent invokes ran in %d environments, want %d: %v", n, len(streams), n, streams)
	}
	// Served in parallel: every handler was running at one common instant.
	if latestStart >= earliestEnd {
		t.Errorf("handlers did not overlap: the last started after the first ended")
	}
}

func TestIdleEnvironmentsAreReaped(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--idle-timeout", "300ms"}})
	c := srv.Lambda()
	createFunction(t, c, "reaped", goFunctionZip(t))
	first := invokeJSON(t, c, "reaped", map[string]any{"action": "echo"}, nil)
	if !strings.Contains(logTail(t, first), "Init Duration") {
		t.Fatal("first invoke was not a cold start")
	}
	// Poll until the keep-alive has passed and the environment is gone:
	// the next invoke is then a cold start again.
	gusttest.WaitFor(t, 20*time.Second, "the idle environment to be reaped", func() bool {
		time.Sleep(400 * time.Millisecond)
		res := invokeJSON(t, c, "reaped", map[string]any{"action": "echo"}, nil)
		return strings.Contains(logTail(t, res), "Init Duration")
	})
}

func TestProcessIsolationBackend(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	if !strings.Contains(srv.Logs(), "NOT isolated") {
		t.Errorf("the process backend did not warn that functions are not isolated:\n%s", srv.Logs())
	}
	c := srv.Lambda()
	createFunction(t, c, "plain", goFunctionZip(t))
	var got contextResult
	invokeJSON(t, c, "plain", map[string]any{"action": "context"}, &got)
	if got.Env["AWS_LAMBDA_FUNCTION_NAME"] != "plain" || got.Env["GUST_ACCESS_KEY_ID"] != "" {
		t.Fatalf("process backend environment: %v", got.Env)
	}
	var echoed map[string]any
	invokeJSON(t, c, "plain", map[string]any{"action": "echo", "arg": "x"}, &echoed)
	if echoed["arg"] != "x" {
		t.Fatalf("echo = %v", echoed)
	}
}
