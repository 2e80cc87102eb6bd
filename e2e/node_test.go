package e2e

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// The Node.js tests run e2e/fixtures/nodefn, functions written for Lambda's
// nodejs runtimes, on the host's node (nodejs20.x where it has node 20).

func TestNodeRuntime(t *testing.T) {
	rt := nodeRuntime(t)
	major := strings.TrimSuffix(strings.TrimPrefix(rt, "nodejs"), ".x")
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createRuntimeFunction(t, c, "nodefn", rt, "index.handler", fixtureZip(t, "nodefn"), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(2)
		in.MemorySize = aws.Int32(256)
		in.Environment = &types.Environment{Variables: map[string]string{"MY_VAR": "mine"}}
	})

	t.Run("echo", func(t *testing.T) {
		var echoed map[string]any
		res := invokeJSON(t, c, "nodefn", map[string]any{"action": "echo", "arg": "hello"}, &echoed)
		if echoed["arg"] != "hello" {
			t.Fatalf("echo = %v", echoed)
		}
		tail := logTail(t, res)
		// Output during init carries no request id, as on Lambda.
		if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tundefined\tINFO\tindex module loaded$`).MatchString(tail) {
			t.Errorf("init output missing from the cold log tail:\n%s", tail)
		}
		if strings.Contains(tail, "INIT_START") || !strings.Contains(tail, "Init Duration: ") { // INIT_START is in the log group only, as on AWS
			t.Errorf("cold log tail:\n%s", tail)
		}
	})

	t.Run("context and environment", func(t *testing.T) {
		clientContext := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"who":"test"}}`))
		res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nodefn"), Payload: []byte(`{"action":"context"}`), ClientContext: aws.String(clientContext), LogType: types.LogTypeTail})
		if err != nil || res.FunctionError != nil {
			t.Fatalf("invoke: %v %s", err, res.Payload)
		}
		var got struct {
			RequestID       string `json:"requestId"`
			FunctionName    string `json:"functionName"`
			FunctionVersion string `json:"functionVersion"`
			FunctionArn     string `json:"functionArn"`
			MemoryLimitInMB string `json:"memoryLimitInMB"`
			LogGroupName    string `json:"logGroupName"`
			LogStreamName   string `json:"logStreamName"`
			RemainingMs     int64  `json:"remainingMs"`
			ClientContext   struct {
				Custom map[string]string `json:"custom"`
			} `json:"clientContext"`
			Identity    any               `json:"identity"`
			Waits       bool              `json:"waits"`
			TraceID     string            `json:"traceId"`
			Env         map[string]string `json:"env"`
			GlobalPaths []string          `json:"globalPaths"`
			Cwd         string            `json:"cwd"`
		}
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("%v: %s", err, res.Payload)
		}
		if got.RequestID != startedRequestID(t, logTail(t, res)) {
			t.Errorf("awsRequestId %s is not the invocation's", got.RequestID)
		}
		if got.FunctionName != "nodefn" || got.FunctionVersion != "$LATEST" || got.MemoryLimitInMB != "256" ||
			got.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:nodefn" ||
			got.LogGroupName != "/aws/lambda/nodefn" || got.LogStreamName == "" || got.LogStreamName != got.Env["AWS_LAMBDA_LOG_STREAM_NAME"] {
			t.Errorf("context = %+v", got)
		}
		if got.RemainingMs <= 0 || got.RemainingMs > 2000 {
			t.Errorf("getRemainingTimeInMillis() = %d with a 2 s timeout", got.RemainingMs)
		}
		if got.ClientContext.Custom["who"] != "test" || got.Identity != nil || !got.Waits {
			t.Errorf("clientContext %+v, identity %v, callbackWaitsForEmptyEventLoop %v", got.ClientContext, got.Identity, got.Waits)
		}
		if !strings.HasPrefix(got.TraceID, "Root=1-") {
			t.Errorf("_X_AMZN_TRACE_ID = %q", got.TraceID)
		}
		for k, v := range map[string]string{
			"MY_VAR": "mine", "AWS_EXECUTION_ENV": "AWS_Lambda_" + rt, "_HANDLER": "index.handler",
			"AWS_LAMBDA_FUNCTION_NAME": "nodefn", "LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime",
			"NODE_PATH": "/opt/nodejs/node" + major + "/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task",
		} {
			if got.Env[k] != v {
				t.Errorf("env %s = %q, want %q", k, got.Env[k], v)
			}
		}
		// Node itself searches the layer paths.
		for _, p := range []string{"/opt/nodejs/node" + major + "/node_modules", "/opt/nodejs/node_modules"} {
			if !slices.Contains(got.GlobalPaths, p) {
				t.Errorf("module paths %v lack %s", got.GlobalPaths, p)
			}
		}
		if got.Cwd != "/var/task" {
			t.Errorf("working directory %s", got.Cwd)
		}
	})

	t.Run("warm reuse keeps globals and /tmp", func(t *testing.T) { checkWarmReuse(t, c, "nodefn", "index module loaded") })

	t.Run("console", func(t *testing.T) {
		res := invokeJSON(t, c, "nodefn", map[string]any{"action": "log", "arg": "marker-1"}, nil)
		tail := logTail(t, res)
		id := startedRequestID(t, tail)
		for _, want := range []struct{ level, text string }{{"INFO", "logged marker-1"}, {"INFO", "info marker-1"}, {"WARN", "warn marker-1"}, {"ERROR", "error marker-1"}} {
			line := regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t` + id + `\t` + want.level + `\t` + want.text + `$`)
			if !line.MatchString(tail) {
				t.Errorf("no %s line %q in Lambda's format for request %s:\n%s", want.level, want.text, id, tail)
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		fe, tail := invokeFailing(t, c, "nodefn", `{"action":"error","arg":"bad value"}`)
		if fe.ErrorType != "TypeError" || fe.ErrorMessage != "bad value" || len(fe.Trace) < 2 || fe.Trace[0] != "TypeError: bad value" || !strings.Contains(fe.Trace[1], "/var/task/index.js") {
			t.Errorf("thrown error: %+v", fe)
		}
		if lines := logLines(tail, "\tERROR\tInvoke Error \t{\"errorType\":\"TypeError\",\"errorMessage\":\"bad value\""); len(lines) != 1 {
			t.Errorf("log tail lacks the invoke error:\n%s", tail)
		}
		fe, _ = invokeFailing(t, c, "nodefn", `{"action":"reject","arg":"rejected"}`)
		if fe.ErrorType != "RangeError" || fe.ErrorMessage != "rejected" || len(fe.Trace) == 0 {
			t.Errorf("rejected promise: %+v", fe)
		}
		res := invokeJSON(t, c, "nodefn", map[string]any{"action": "nothing"}, nil)
		if string(res.Payload) != "null" {
			t.Errorf("a handler returning undefined answered %s, want null", res.Payload)
		}
		var state struct{ Invocations int }
		invokeJSON(t, c, "nodefn", map[string]any{"action": "state"}, &state)
		if state.Invocations < 4 {
			t.Errorf("the environment was replaced after handled errors: %d invocations", state.Invocations)
		}
	})
}

func TestNodeTimeoutAndExit(t *testing.T) {
	checkTimeoutExitAndTooLarge(t, nodeRuntime(t), "index.handler", "nodefn")
}

func TestNodeModuleStyles(t *testing.T) {
	rt := nodeRuntime(t)
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := fixtureZip(t, "nodefn")
	for _, tc := range []struct{ name, handler, style string }{
		{"mjs", "esm.handler", "mjs"},
		{"typemodule", "typed/src/app.handler", "type-module"},
	} {
		createRuntimeFunction(t, c, tc.name, rt, tc.handler, code)
		var got struct {
			Style string         `json:"style"`
			ESM   bool           `json:"esm"`
			Event map[string]any `json:"event"`
		}
		invokeJSON(t, c, tc.name, map[string]any{"n": 1}, &got)
		if got.Style != tc.style || !got.ESM || got.Event["n"] != 1.0 {
			t.Errorf("%s: %+v", tc.handler, got)
		}
	}
	createRuntimeFunction(t, c, "cjs", rt, "index.handler", code)
	var got struct{ CommonJS bool }
	invokeJSON(t, c, "cjs", map[string]any{"action": "context"}, &got)
	if !got.CommonJS {
		t.Errorf("index.js was not loaded as CommonJS")
	}
}

func TestNodeCallbackHandlers(t *testing.T) {
	rt := nodeRuntime(t)
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := fixtureZip(t, "nodefn")
	createRuntimeFunction(t, c, "callback", rt, "callback.handler", code, func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(1)
	})
	type result struct {
		Late  bool `json:"late"`
		Waits bool `json:"waits"`
	}

	// Waiting (the default): the response goes once the handler's timer
	// has run, so it carries the timer's change and its log line.
	var waited result
	res := invokeJSON(t, c, "callback", map[string]any{}, &waited)
	if !waited.Late || !waited.Waits || len(logLines(logTail(t, res), "\tINFO\ttimer fired")) != 1 {
		t.Errorf("callbackWaitsForEmptyEventLoop=true: %+v\n%s", waited, logTail(t, res))
	}
	// Not waiting: the response is the value as it was at the callback.
	var immediate result
	invokeJSON(t, c, "callback", map[string]any{"waits": false}, &immediate)
	if immediate.Late || immediate.Waits {
		t.Errorf("callbackWaitsForEmptyEventLoop=false: %+v", immediate)
	}
	fe, _ := invokeFailing(t, c, "callback", `{"fail":true}`)
	if fe.ErrorType != "RangeError" || fe.ErrorMessage != "failed through the callback" {
		t.Errorf("callback(err): %+v", fe)
	}
	// An event loop that never empties: not waiting answers at once, and
	// the environment stays usable; waiting never answers.
	invokeJSON(t, c, "callback", map[string]any{"waits": false, "forever": true}, &immediate)
	invokeJSON(t, c, "callback", map[string]any{"waits": false}, &immediate)
	if immediate.Late {
		t.Errorf("callbackWaitsForEmptyEventLoop=false after a busy loop: %+v", immediate)
	}
	fe, _ = invokeFailing(t, c, "callback", `{"forever":true}`)
	if fe.ErrorType != "Sandbox.Timedout" {
		t.Errorf("waiting for an event loop that never empties: %+v", fe)
	}

	// A handler that neither calls back nor returns a promise answers
	// null once its work is done.
	createRuntimeFunction(t, c, "silent", rt, "callback.silent", code)
	res = invokeJSON(t, c, "silent", map[string]any{}, nil)
	if string(res.Payload) != "null" || len(logLines(logTail(t, res), "silent handler done")) != 1 {
		t.Errorf("silent handler answered %s:\n%s", res.Payload, logTail(t, res))
	}
}

func TestNodeInitErrors(t *testing.T) {
	rt := nodeRuntime(t)
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := fixtureZip(t, "nodefn")
	for _, tc := range []struct {
		handler, errorType, message string
	}{
		{"nothere.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'nothere'"},
		{"badimport.handler", "Runtime.ImportModuleError", "Error: Cannot find module 'a-package-that-is-not-installed'"},
		{"index.nope", "Runtime.HandlerNotFound", "index.nope is undefined or not exported"},
		{"notfunction.handler", "Runtime.HandlerNotFound", "notfunction.handler is not a function"},
		{"syntax.handler", "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected token"},
		{"index", "Runtime.MalformedHandlerName", "Bad handler"},
	} {
		name := strings.NewReplacer(".", "-", "/", "-").Replace(tc.handler)
		createRuntimeFunction(t, c, name, rt, tc.handler, code)
		for range 2 {
			fe, tail := invokeFailing(t, c, name, `{}`)
			if fe.ErrorType != tc.errorType || !strings.HasPrefix(fe.ErrorMessage, tc.message) || len(fe.Trace) == 0 {
				t.Errorf("%s: %+v, want %s: %s", tc.handler, fe, tc.errorType, tc.message)
			}
			if len(logLines(tail, "\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\""+tc.errorType+"\"")) != 1 {
				t.Errorf("%s: the log tail lacks the error:\n%s", tc.handler, tail)
			}
			if !strings.Contains(tail, "Phase: init\tStatus: error\tError Type: "+tc.errorType) {
				t.Errorf("%s: no INIT_REPORT with the error type:\n%s", tc.handler, tail)
			}
		}
	}
}
