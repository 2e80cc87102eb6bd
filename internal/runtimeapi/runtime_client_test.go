package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildEchoFn builds testdata/echofn, a function written with aws-lambda-go,
// from this module (so its go.mod and go.sum pin the client).
func buildEchoFn(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the test function")
	}
	bin := filepath.Join(t.TempDir(), "echofn")
	cmd := exec.Command(goBin, "build", "-o", bin, "./testdata/echofn")
	// Never touch go.mod or the network: the module cache already holds
	// aws-lambda-go, which go.mod requires.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the test function: %v\n%s", err, out)
	}
	return bin
}

// startFunction runs the function binary against h, as a sandbox would.
func startFunction(t *testing.T, bin string, h *harness) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + h.addr}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the test function: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("function output:\n%s", output.String())
		}
	})
	return cmd
}

func TestAWSLambdaGoRuntime(t *testing.T) {
	bin := buildEchoFn(t)
	const limit = 64 << 10
	h := startServer(t, Options{MaxResponseBytes: limit})
	startFunction(t, bin, h)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.s.WaitInit(ctx); err != nil {
		t.Fatalf("WaitInit: %v", err)
	}

	const arn = "arn:aws:lambda:us-east-1:000000000000:function:echo"
	for i, event := range []string{`{"hello":"world"}`, `[1,2,3]`, `"text"`} {
		deadline := time.Now().Add(30 * time.Second).Truncate(time.Millisecond)
		inv := Invocation{
			RequestID:          "8476a536-e9f4-11e8-9739-2dfe598c355" + string(rune('0'+i)),
			Payload:            []byte(event),
			Deadline:           deadline,
			InvokedFunctionARN: arn,
			TraceID:            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
			ClientContext:      `{"custom":{"tenant":"t1"}}`,
			CognitoIdentity:    `{"cognitoIdentityId":"us-east-1:id","cognitoIdentityPoolId":"us-east-1:pool"}`,
		}
		res, err := h.s.Invoke(ctx, inv)
		if err != nil {
			t.Fatalf("Invoke %d: %v", i, err)
		}
		if res.Err != nil {
			t.Fatalf("Invoke %d failed: %v", i, res.Err)
		}
		var got struct {
			Event       json.RawMessage   `json:"event"`
			RequestID   string            `json:"requestId"`
			FunctionARN string            `json:"functionArn"`
			DeadlineMs  int64             `json:"deadlineMs"`
			TraceID     string            `json:"traceId"`
			Custom      map[string]string `json:"clientCustom"`
			CognitoID   string            `json:"cognitoIdentityId"`
			CognitoPool string            `json:"cognitoIdentityPoolId"`
		}
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("payload %s: %v", res.Payload, err)
		}
		if string(got.Event) != event {
			t.Errorf("event %s, want %s", got.Event, event)
		}
		if got.RequestID != inv.RequestID || got.FunctionARN != arn || got.DeadlineMs != deadline.UnixMilli() ||
			got.TraceID != inv.TraceID || got.Custom["tenant"] != "t1" ||
			got.CognitoID != "us-east-1:id" || got.CognitoPool != "us-east-1:pool" {
			t.Errorf("context reached the function as %+v", got)
		}
	}

	// A returned error arrives on /error without a type header.
	res, err := h.s.Invoke(ctx, Invocation{RequestID: "fails", Payload: []byte(`{"fail":"boom"}`), Deadline: time.Now().Add(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || res.Err.Type != ErrorTypeRuntimeUnknown {
		t.Fatalf("result %+v", res)
	}
	wantJSON(t, res.Payload, `{"errorMessage":"boom","errorType":"errorString"}`)

	// An oversized answer fails the invocation; aws-lambda-go then exits,
	// as it does on Lambda.
	res, err = h.s.Invoke(ctx, Invocation{RequestID: "big", Payload: []byte(`{"pad":100000}`), Deadline: time.Now().Add(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || res.Err.Type != ErrorTypeResponseSizeTooLarge ||
		!strings.Contains(string(res.Payload), "exceeded maximum allowed payload size (65536 bytes)") {
		t.Fatalf("result %+v %s", res.Err, res.Payload)
	}
}
