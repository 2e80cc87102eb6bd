package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"gust/internal/gusttest"
)

// pythonApp is the function the gust CLI and console tests deploy: it
// greets, prints a line, and fails when asked to.
const pythonApp = `import os

def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    print("greeting", event.get("name"))
    return {"msg": os.environ.get("GREETING", "hello") + " " + str(event.get("name")), "version": VERSION}
`

func writePythonApp(t *testing.T, dir string, version int) {
	t.Helper()
	src := strings.Replace(pythonApp, "VERSION", fmt.Sprint(version), 1)
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// gustCLI runs the gust binary as a user would, with the AWS environment
// of srv plus extra variables.
func gustCLI(t *testing.T, srv *gusttest.Server, extraEnv []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(gusttest.Binary(t), args...)
	cmd.Env = append(awsEnv(srv), extraEnv...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func mustGust(t *testing.T, srv *gusttest.Server, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, err := gustCLI(t, srv, nil, args...)
	if err != nil {
		t.Fatalf("gust %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, stdout, stderr)
	}
	return stdout, stderr
}

func TestGustCLI(t *testing.T) {
	// Roles enforced, as a team's server: deploy makes its default role
	// (TestGustDev deploys under --any-role).
	srv := gusttest.Start(t, gusttest.Options{StrictRoles: true})
	runtime := pythonRuntime(t)
	dir := filepath.Join(t.TempDir(), "hello")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writePythonApp(t, dir, 1)
	if err := os.WriteFile(filepath.Join(dir, "tool.sh"), []byte("#!/bin/sh\necho tool\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	out, _ := mustGust(t, srv, "ls")
	if strings.Contains(out, "hello") {
		t.Fatalf("gust ls before any deploy: %s", out)
	}

	out, progress := mustGust(t, srv, "deploy", dir, "--runtime", runtime, "--handler", "app.handler", "--env", "GREETING=howdy", "--memory", "256")
	if strings.TrimSpace(out) != "arn:aws:lambda:us-east-1:000000000000:function:hello" {
		t.Fatalf("gust deploy printed %q, want the ARN", out)
	}
	for _, want := range []string{"zipping", "creating role gust-function", "creating function hello", "waiting until hello is active", "deployed hello"} {
		if !strings.Contains(progress, want) {
			t.Errorf("deploy progress lacks %q:\n%s", want, progress)
		}
	}
	cfg, err := srv.Lambda().GetFunctionConfiguration(gusttest.Context(t), &lambda.GetFunctionConfigurationInput{FunctionName: strPtr("hello")})
	if err != nil {
		t.Fatal(err)
	}
	if *cfg.MemorySize != 256 || cfg.Environment.Variables["GREETING"] != "howdy" || string(cfg.Runtime) != runtime {
		t.Fatalf("deployed configuration: memory %d env %v runtime %s", *cfg.MemorySize, cfg.Environment.Variables, cfg.Runtime)
	}

	out, tail := mustGust(t, srv, "invoke", "hello", "--payload", `{"name":"cli"}`, "--tail")
	if !strings.Contains(out, `"msg": "howdy cli"`) {
		t.Fatalf("gust invoke printed %q", out)
	}
	if !strings.Contains(tail, "START RequestId") || !strings.Contains(tail, "greeting cli") {
		t.Fatalf("gust invoke --tail printed %q", tail)
	}
	event := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{"name":"from-file"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _ := mustGust(t, srv, "invoke", "hello", "--payload", "@"+event); !strings.Contains(out, "howdy from-file") {
		t.Fatalf("gust invoke --payload @file printed %q", out)
	}
	out, stderr, err := gustCLI(t, srv, nil, "invoke", "hello", "--payload", `{"fail":true}`)
	if err == nil || !strings.Contains(out, "asked to fail") || !strings.Contains(stderr, "function error (Unhandled)") {
		t.Fatalf("gust invoke of a failing function: err %v\nstdout %s\nstderr %s", err, out, stderr)
	}

	// Update: new code and configuration in one deploy.
	writePythonApp(t, dir, 2)
	mustGust(t, srv, "deploy", dir, "--timeout", "5")
	if out, _ := mustGust(t, srv, "invoke", "hello"); !strings.Contains(out, `"version": 2`) {
		t.Fatalf("after redeploy, invoke printed %q", out)
	}
	cfg, err = srv.Lambda().GetFunctionConfiguration(gusttest.Context(t), &lambda.GetFunctionConfigurationInput{FunctionName: strPtr("hello")})
	if err != nil || *cfg.Timeout != 5 || *cfg.MemorySize != 256 {
		t.Fatalf("after redeploy: %v timeout %d memory %d", err, *cfg.Timeout, *cfg.MemorySize)
	}

	gusttest.WaitFor(t, 10*time.Second, "gust logs to show the invocations", func() bool {
		out, _ := mustGust(t, srv, "logs", "hello", "--since", "5m")
		return strings.Contains(out, "greeting cli") && strings.Contains(out, "greeting from-file") && strings.Contains(out, "REPORT RequestId")
	})

	out, _ = mustGust(t, srv, "ls")
	if !strings.Contains(out, "hello") || !strings.Contains(out, runtime) || !strings.Contains(out, "256 MB") {
		t.Fatalf("gust ls: %s", out)
	}
	gusttest.WaitFor(t, 10*time.Second, "gust usage to count the invocations", func() bool {
		out, _ := mustGust(t, srv, "usage")
		return strings.Contains(out, "hello") && strings.Contains(out, "TOTAL") && strings.Contains(out, " 4 ")
	})

	_, stderr, err = gustCLI(t, srv, []string{"AWS_SECRET_ACCESS_KEY=wrong"}, "ls")
	if err == nil || !strings.Contains(stderr, "the server refused the credentials: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY") {
		t.Fatalf("wrong secret: err %v, stderr %s", err, stderr)
	}
	_, stderr, err = gustCLI(t, srv, []string{"AWS_SECRET_ACCESS_KEY=wrong"}, "usage")
	if err == nil || !strings.Contains(stderr, "the server refused the credentials") {
		t.Fatalf("usage with a wrong secret: err %v, stderr %s", err, stderr)
	}
	_, stderr, err = gustCLI(t, srv, []string{"AWS_ENDPOINT_URL=http://127.0.0.1:1"}, "ls")
	if err == nil || !strings.Contains(stderr, "cannot reach Gust at http://127.0.0.1:1: is `gust server` running?") {
		t.Fatalf("unreachable server: err %v, stderr %s", err, stderr)
	}

	out, _ = mustGust(t, srv, "rm", "hello")
	if !strings.Contains(out, "deleted hello") {
		t.Fatalf("gust rm: %s", out)
	}
	if out, _ := mustGust(t, srv, "ls"); strings.Contains(out, "hello") {
		t.Fatalf("gust ls after rm: %s", out)
	}
}

// TestGustDev edits a function's source while `gust dev` watches it: the
// next invoke after the edit runs the new code within a second.
func TestGustDev(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	dir := filepath.Join(t.TempDir(), "devfn")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writePythonApp(t, dir, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, gusttest.Binary(t), "dev", dir, "--runtime", pythonRuntime(t), "--handler", "app.handler")
	cmd.Env = awsEnv(srv)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	watching := make(chan struct{})
	var progress strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			progress.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "watching") {
				close(watching)
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case <-watching:
	case <-time.After(30 * time.Second):
		t.Fatalf("gust dev never started watching")
	}
	c := srv.Lambda()
	invokeVersion := func() string {
		out, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: strPtr("devfn"), Payload: []byte(`{"name":"dev"}`)})
		if err != nil {
			t.Fatal(err)
		}
		return string(out.Payload)
	}
	if got := invokeVersion(); !strings.Contains(got, `"version": 1`) {
		t.Fatalf("first invoke: %s", got)
	}
	for version := 2; version <= 3; version++ {
		edited := time.Now()
		writePythonApp(t, dir, version)
		want := fmt.Sprintf(`"version": %d`, version)
		for !strings.Contains(invokeVersion(), want) {
			if time.Since(edited) > 5*time.Second {
				t.Fatalf("version %d never ran; gust dev said:\n%s", version, progress.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(edited)
		t.Logf("edit to new code running: %v", took)
		if took > time.Second {
			t.Errorf("version %d ran %v after the edit, want within 1s", version, took)
		}
	}
}

func strPtr(s string) *string { return &s }

// TestGustLogsFollow keeps `gust logs --follow` running while the function
// is invoked: the new lines appear without restarting it.
func TestGustLogsFollow(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	dir := filepath.Join(t.TempDir(), "follow")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writePythonApp(t, dir, 1)
	mustGust(t, srv, "deploy", dir, "--runtime", pythonRuntime(t), "--handler", "app.handler")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, gusttest.Binary(t), "logs", "follow", "--follow")
	cmd.Env = awsEnv(srv)
	cmd.WaitDelay = 5 * time.Second
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = cmd.Wait() }()
	for i, name := range []string{"first", "second"} {
		mustGust(t, srv, "invoke", "follow", "--payload", fmt.Sprintf(`{"name":%q}`, name))
		gusttest.WaitFor(t, 10*time.Second, "gust logs --follow to print invocation "+fmt.Sprint(i+1), func() bool {
			return strings.Contains(out.String(), "greeting "+name)
		})
	}
	if n := strings.Count(out.String(), "greeting first"); n != 1 {
		t.Fatalf("the first line was printed %d times:\n%s", n, out.String())
	}
}

// syncBuffer is a bytes.Buffer safe for a writing process and a reading test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
