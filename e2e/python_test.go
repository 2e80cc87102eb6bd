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

// The Python tests run e2e/fixtures/pyfn, a function written for Lambda's
// python3.x runtimes, on the host's python3 (python3.11 where it has it).

func TestPythonRuntime(t *testing.T) {
	rt := pythonRuntime(t)
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createRuntimeFunction(t, c, "py", rt, "app.handler", fixtureZip(t, "pyfn"), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(2)
		in.MemorySize = aws.Int32(256)
		in.Environment = &types.Environment{Variables: map[string]string{"MY_VAR": "mine"}}
	})

	t.Run("echo", func(t *testing.T) {
		var echoed map[string]any
		res := invokeJSON(t, c, "py", map[string]any{"action": "echo", "arg": "hello"}, &echoed)
		if echoed["arg"] != "hello" || echoed["action"] != "echo" {
			t.Fatalf("echo = %v", echoed)
		}
		tail := logTail(t, res)
		if strings.Contains(tail, "INIT_START") { // in the log group only, as on AWS
			t.Errorf("cold log tail has INIT_START:\n%s", tail)
		}
		for _, want := range []string{"app module imported", "Init Duration: "} {
			if !strings.Contains(tail, want) {
				t.Errorf("cold log tail lacks %q:\n%s", want, tail)
			}
		}
		// Init (the import) happens before START, outside the invocation.
		if strings.Index(tail, "app module imported") > strings.Index(tail, "START RequestId") {
			t.Errorf("the module was imported during the invocation:\n%s", tail)
		}
	})

	t.Run("context and environment", func(t *testing.T) {
		clientContext := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"who":"test"},"env":{},"client":{}}`))
		res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{"action":"context"}`), ClientContext: aws.String(clientContext), LogType: types.LogTypeTail})
		if err != nil || res.FunctionError != nil {
			t.Fatalf("invoke: %v %s", err, res.Payload)
		}
		var got struct {
			RequestID       string            `json:"requestId"`
			FunctionName    string            `json:"functionName"`
			FunctionVersion string            `json:"functionVersion"`
			FunctionArn     string            `json:"functionArn"`
			MemoryLimitInMB string            `json:"memoryLimitInMB"`
			LogGroupName    string            `json:"logGroupName"`
			LogStreamName   string            `json:"logStreamName"`
			RemainingMs     int64             `json:"remainingMs"`
			ClientContext   map[string]string `json:"clientContext"`
			IdentityID      *string           `json:"identityId"`
			TraceID         string            `json:"traceId"`
			Env             map[string]string `json:"env"`
			SysPath         []string          `json:"sysPath"`
			Cwd             string            `json:"cwd"`
		}
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("%v: %s", err, res.Payload)
		}
		if got.RequestID != startedRequestID(t, logTail(t, res)) {
			t.Errorf("aws_request_id %s is not the invocation's", got.RequestID)
		}
		if got.FunctionName != "py" || got.FunctionVersion != "$LATEST" || got.MemoryLimitInMB != "256" ||
			got.FunctionArn != "arn:aws:lambda:us-east-1:000000000000:function:py" ||
			got.LogGroupName != "/aws/lambda/py" || got.LogStreamName != got.Env["AWS_LAMBDA_LOG_STREAM_NAME"] || got.LogStreamName == "" {
			t.Errorf("context = %+v", got)
		}
		if got.RemainingMs <= 0 || got.RemainingMs > 2000 {
			t.Errorf("get_remaining_time_in_millis() = %d with a 2 s timeout", got.RemainingMs)
		}
		if got.ClientContext["who"] != "test" || got.IdentityID != nil {
			t.Errorf("client_context.custom = %v, identity.cognito_identity_id = %v", got.ClientContext, got.IdentityID)
		}
		if !strings.HasPrefix(got.TraceID, "Root=1-") {
			t.Errorf("_X_AMZN_TRACE_ID = %q", got.TraceID)
		}
		for k, v := range map[string]string{
			"MY_VAR": "mine", "AWS_EXECUTION_ENV": "AWS_Lambda_" + rt, "_HANDLER": "app.handler",
			"AWS_LAMBDA_FUNCTION_NAME": "py", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_REGION": "us-east-1",
			"LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime", "TZ": ":UTC",
		} {
			if got.Env[k] != v {
				t.Errorf("env %s = %q, want %q", k, got.Env[k], v)
			}
		}
		if got.Env["AWS_LAMBDA_RUNTIME_API"] == "" || got.Env["GUST_ACCESS_KEY_ID"] != "" {
			t.Errorf("runtime API %q, leaked credentials %q", got.Env["AWS_LAMBDA_RUNTIME_API"], got.Env["GUST_ACCESS_KEY_ID"])
		}
		wantPath := []string{"/var/task", "/opt/python/lib/" + rt + "/site-packages", "/opt/python", "/var/runtime"}
		if len(got.SysPath) < 4 || !slices.Equal(got.SysPath[:4], wantPath) {
			t.Errorf("sys.path = %v, want it to start with %v", got.SysPath, wantPath)
		}
		if got.Cwd != "/var/task" {
			t.Errorf("working directory %s", got.Cwd)
		}
	})

	t.Run("warm reuse keeps globals and /tmp", func(t *testing.T) { checkWarmReuse(t, c, "py", "app module imported") })

	t.Run("print and logging", func(t *testing.T) {
		res := invokeJSON(t, c, "py", map[string]any{"action": "log", "arg": "marker-1"}, nil)
		tail := logTail(t, res)
		id := startedRequestID(t, tail)
		for _, want := range []string{"printed marker-1\n", "stderr marker-1\n"} {
			if !strings.Contains(tail, want) {
				t.Errorf("log tail lacks %q:\n%s", want, tail)
			}
		}
		for _, level := range []string{"INFO", "ERROR"} {
			line := regexp.MustCompile(`(?m)^\[` + level + `\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t` + id + `\t` + strings.ToLower(level) + ` marker-1$`)
			if !line.MatchString(tail) {
				t.Errorf("no %s line in Lambda's logging format for request %s:\n%s", level, id, tail)
			}
		}
	})

	t.Run("handler errors", func(t *testing.T) {
		fe, tail := invokeFailing(t, c, "py", `{"action":"error","arg":"bad value"}`)
		if fe.ErrorType != "ValueError" || fe.ErrorMessage != "bad value" || fe.RequestID == nil || *fe.RequestID != startedRequestID(t, tail) {
			t.Errorf("error document %+v", fe)
		}
		if len(fe.StackTrace) == 0 || !strings.Contains(fe.StackTrace[len(fe.StackTrace)-1], `File "/var/task/app.py"`) || strings.Contains(strings.Join(fe.StackTrace, ""), "bootstrap.py") {
			t.Errorf("stackTrace %q should hold the handler's frames only", fe.StackTrace)
		}
		if !strings.Contains(tail, "[ERROR] ValueError: bad value\nTraceback (most recent call last):\n") {
			t.Errorf("log tail lacks the error:\n%s", tail)
		}
		fe, _ = invokeFailing(t, c, "py", `{"action":"custom","arg":"mine"}`)
		if fe.ErrorType != "CustomError" || fe.ErrorMessage != "mine" {
			t.Errorf("custom exception: %+v", fe)
		}
		fe, _ = invokeFailing(t, c, "py", `{"action":"unmarshalable"}`)
		if fe.ErrorType != "Runtime.MarshalError" || fe.ErrorMessage != "Unable to marshal response: Object of type set is not JSON serializable" {
			t.Errorf("unserialisable result: %+v", fe)
		}
		// Errors do not end the environment.
		var state struct{ Invocations int }
		invokeJSON(t, c, "py", map[string]any{"action": "state"}, &state)
		if state.Invocations < 4 {
			t.Errorf("the environment was replaced after handled errors: %d invocations", state.Invocations)
		}
	})

	t.Run("results", func(t *testing.T) {
		res := invokeJSON(t, c, "py", map[string]any{"action": "unicode"}, nil)
		var got map[string]string
		if err := json.Unmarshal(res.Payload, &got); err != nil || got["text"] != "h\u00e9llo \u2713" {
			t.Errorf("unicode result %s: %v", res.Payload, err)
		}
		if res := invokeJSON(t, c, "py", map[string]any{"action": "decimal"}, nil); string(res.Payload) != `{"decimal": 1.5}` {
			t.Errorf("a Decimal result: %s", res.Payload)
		}
		if res := invokeJSON(t, c, "py", map[string]any{"action": "bytes"}, nil); string(res.Payload) != "raw bytes" {
			t.Errorf("a bytes result: %s", res.Payload)
		}
	})

	t.Run("boto3", func(t *testing.T) {
		var got struct{ Version, File string }
		invokeJSON(t, c, "py", map[string]any{"action": "boto3"}, &got)
		if got.Version == "" || !strings.HasPrefix(got.File, "/usr/") {
			t.Errorf("boto3 = %+v", got)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestPythonHandlerInSubPackage(t *testing.T) {
	rt := pythonRuntime(t)
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := fixtureZip(t, "pyfn")
	// Lambda accepts the module path with slashes and with dots.
	for name, handler := range map[string]string{"slashes": "pkg/sub/mod.handler", "dots": "pkg.sub.mod.handler"} {
		createRuntimeFunction(t, c, name, rt, handler, code)
		var got struct {
			Module, Helper string
			Event          map[string]any
		}
		invokeJSON(t, c, name, map[string]any{"n": 1}, &got)
		if got.Module != "pkg.sub.mod" || got.Helper != "pkg.sub.helper" || got.Event["n"] != 1.0 {
			t.Errorf("%s: %+v", handler, got)
		}
	}
}

func TestPythonTimeoutAndExit(t *testing.T) {
	checkTimeoutExitAndTooLarge(t, pythonRuntime(t), "app.handler", "pyfn")
}

func TestPythonInitErrors(t *testing.T) {
	rt := pythonRuntime(t)
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := fixtureZip(t, "pyfn")
	for _, tc := range []struct {
		handler, errorType, message string
	}{
		{"missing.handler", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"broken_import.handler", "Runtime.ImportModuleError", "Unable to import module 'broken_import': No module named 'module_that_is_not_there'"},
		{"app.nope", "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'app'"},
		{"bad_syntax.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'bad_syntax': "},
		{"raises_at_import.handler", "RuntimeError", "failed while importing"},
		{"app", "Runtime.MalformedHandlerName", "Bad handler 'app': "},
	} {
		name := strings.NewReplacer(".", "-", "/", "-").Replace(tc.handler)
		createRuntimeFunction(t, c, name, rt, tc.handler, code)
		// Every invoke tries init again and reports the same error.
		for range 2 {
			fe, tail := invokeFailing(t, c, name, `{}`)
			if fe.ErrorType != tc.errorType || !strings.HasPrefix(fe.ErrorMessage, tc.message) {
				t.Errorf("%s: %s: %s, want %s: %s", tc.handler, fe.ErrorType, fe.ErrorMessage, tc.errorType, tc.message)
			}
			if !strings.Contains(tail, "[ERROR] "+tc.errorType+": "+tc.message) {
				t.Errorf("%s: the log tail lacks the error:\n%s", tc.handler, tail)
			}
			// The platform records Runtime.* types as sent and others as
			// Runtime.Unknown.
			reported := tc.errorType
			if !strings.HasPrefix(reported, "Runtime.") {
				reported = "Runtime.Unknown"
			}
			if !strings.Contains(tail, "Phase: init\tStatus: error\tError Type: "+reported) {
				t.Errorf("%s: no INIT_REPORT with the error type:\n%s", tc.handler, tail)
			}
		}
	}
}
