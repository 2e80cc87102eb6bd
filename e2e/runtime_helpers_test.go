package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

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
