package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
	"gust/internal/runtimes"
)

var (
	hostOnce         sync.Once
	hostInterpreters *runtimes.Interpreters
	hostErr          error
)

// discovered is what the server finds on this host (without
// --runtime-interpreter).
func discovered(t testing.TB) *runtimes.Interpreters {
	t.Helper()
	hostOnce.Do(func() {
		hostInterpreters, hostErr = runtimes.Discover(context.Background(), runtimes.DiscoverOptions{})
	})
	if hostErr != nil {
		t.Fatal(hostErr)
	}
	return hostInterpreters
}

// hostInterpreter is the interpreter the tests run functions of family
// on: preferred's when this host has it, as the server finds them, or else
// another of the family.
func hostInterpreter(t testing.TB, family runtimes.Family, preferred string) runtimes.Interpreter {
	t.Helper()
	found := discovered(t)
	if it, err := found.Lookup(preferred); err == nil {
		return it
	}
	for _, it := range found.Found() {
		if r, _ := runtimes.Lookup(it.Runtime); r.Family == family {
			return it
		}
	}
	_, err := found.Lookup(preferred)
	t.Fatalf("this host has no interpreter for any runtime like %s (./test.sh installs python3 and nodejs): %v", preferred, err)
	return runtimes.Interpreter{}
}

// pythonRuntime and nodeRuntime are the runtime identifiers the tests use.
func pythonRuntime(t testing.TB) string {
	return hostInterpreter(t, runtimes.Python, "python3.11").Runtime
}

func nodeRuntime(t testing.TB) string { return hostInterpreter(t, runtimes.Node, "nodejs20.x").Runtime }

// missingRuntime picks a runtime of family whose interpreter this host
// really lacks, searching as the server does.
func missingRuntime(t *testing.T, family runtimes.Family) string {
	t.Helper()
	found := discovered(t)
	for _, id := range runtimes.IDs() {
		r, _ := runtimes.Lookup(id)
		if _, err := found.Lookup(id); r.Family == family && errors.Is(err, runtimes.ErrNoInterpreter) {
			return id
		}
	}
	t.Skipf("this host has an interpreter for every runtime of family %d", family)
	return ""
}

// fixtureZip zips the files under e2e/fixtures/<name>.
func fixtureZip(t testing.TB, name string) []byte {
	t.Helper()
	root := filepath.Join(gusttest.ModuleRoot(t), "e2e", "fixtures", name)
	var files []zipFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files = append(files, zipFile{Name: filepath.ToSlash(rel), Body: body})
		return nil
	})
	if err != nil {
		t.Fatalf("zipping fixture %s: %v", name, err)
	}
	return makeZip(t, files...)
}

// createRuntimeFunction creates a function of a managed runtime.
func createRuntimeFunction(t testing.TB, c *lambda.Client, name, runtime, handler string, zip []byte, mutate ...func(*lambda.CreateFunctionInput)) {
	t.Helper()
	createFunction(t, c, name, zip, append([]func(*lambda.CreateFunctionInput){func(in *lambda.CreateFunctionInput) {
		in.Runtime = types.Runtime(runtime)
		in.Handler = aws.String(handler)
	}}, mutate...)...)
}

// invokeRaw invokes fn with a JSON payload and a log tail, failing the test
// only when the call itself fails.
func invokeRaw(t testing.TB, c *lambda.Client, fn string, payload string) *lambda.InvokeOutput {
	t.Helper()
	res, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: []byte(payload), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatalf("Invoke %s %s: %v", fn, payload, err)
	}
	return res
}

// functionError is the error document of a failed invocation, in the
// shapes of both runtimes.
type functionError struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	RequestID    *string  `json:"requestId"`  // Python
	StackTrace   []string `json:"stackTrace"` // Python
	Trace        []string `json:"trace"`      // Node.js
}

// invokeFailing invokes fn and decodes the function error it must return.
func invokeFailing(t testing.TB, c *lambda.Client, fn, payload string) (functionError, string) {
	t.Helper()
	res := invokeRaw(t, c, fn, payload)
	if res.StatusCode != 200 || aws.ToString(res.FunctionError) != "Unhandled" {
		t.Fatalf("%s %s: status %d, FunctionError %q, payload %s; want a function error", fn, payload, res.StatusCode, aws.ToString(res.FunctionError), res.Payload)
	}
	var fe functionError
	if err := json.Unmarshal(res.Payload, &fe); err != nil {
		t.Fatalf("%s: error payload %s: %v", fn, res.Payload, err)
	}
	return fe, logTail(t, res)
}

// logLines are the tail's lines that contain want.
func logLines(tail, want string) []string {
	var out []string
	for _, l := range strings.Split(tail, "\n") {
		if strings.Contains(l, want) {
			out = append(out, l)
		}
	}
	return out
}

// startedRequestID is the request id of the START line in a log tail.
func startedRequestID(t testing.TB, tail string) string {
	t.Helper()
	for _, l := range strings.Split(tail, "\n") {
		if rest, ok := strings.CutPrefix(l, "START RequestId: "); ok {
			id, _, _ := strings.Cut(rest, " ")
			return id
		}
	}
	t.Fatalf("no START line in the log tail:\n%s", tail)
	return ""
}

// checkWarmReuse invokes fn twice: the second invocation runs in the same
// process, with its globals and /tmp, and its log shows no init (loaded is
// the line the fixture logs when its module loads).
func checkWarmReuse(t *testing.T, c *lambda.Client, fn, loaded string) {
	t.Helper()
	var first, second struct {
		Pid         int     `json:"pid"`
		Invocations int     `json:"invocations"`
		PreviousTmp *string `json:"previousTmp"`
	}
	invokeJSON(t, c, fn, map[string]any{"action": "state"}, &first)
	warm := invokeJSON(t, c, fn, map[string]any{"action": "state"}, &second)
	if second.Pid != first.Pid || second.Invocations != first.Invocations+1 || second.PreviousTmp == nil || *second.PreviousTmp != itoa(first.Invocations) {
		t.Errorf("not reused: first %+v, second %+v", first, second)
	}
	if tail := logTail(t, warm); strings.Contains(tail, "Init Duration") || strings.Contains(tail, loaded) {
		t.Errorf("a warm invoke loaded the module again:\n%s", tail)
	}
}

// checkTimeoutExitAndTooLarge runs a fixture's handler with a 1 s timeout
// into a timeout, an exit and a 7 MB response; after each the function
// answers again from a new environment.
func checkTimeoutExitAndTooLarge(t *testing.T, runtime, handler, fixture string) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	createRuntimeFunction(t, c, "slow", runtime, handler, fixtureZip(t, fixture), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(1)
	})
	healthy := func() {
		t.Helper()
		var echoed map[string]any
		invokeJSON(t, c, "slow", map[string]any{"action": "echo", "arg": "alive"}, &echoed)
		if echoed["arg"] != "alive" {
			t.Fatalf("echo after a failure = %v", echoed)
		}
	}
	fe, tail := invokeFailing(t, c, "slow", `{"action":"sleep","ms":5000}`)
	if fe.ErrorType != "Sandbox.Timedout" || !strings.Contains(fe.ErrorMessage, "Task timed out after 1.00 seconds") {
		t.Errorf("timeout: %+v", fe)
	}
	if !strings.Contains(tail, "Task timed out after 1.00 seconds") {
		t.Errorf("timeout log:\n%s", tail)
	}
	healthy()
	fe, _ = invokeFailing(t, c, "slow", `{"action":"exit","code":3}`)
	if fe.ErrorType != "Runtime.ExitError" || !strings.Contains(fe.ErrorMessage, "Runtime exited with error: exit status 3") {
		t.Errorf("exit(3): %+v", fe)
	}
	healthy()
	fe, _ = invokeFailing(t, c, "slow", `{"action":"big","n":7000000}`)
	if fe.ErrorType != "Function.ResponseSizeTooLarge" {
		t.Errorf("a 7 MB response: %+v", fe)
	}
	healthy()
}
