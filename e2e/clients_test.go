package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"gust/internal/gusttest"
)

// The real AWS clients the end-to-end tests drive. Their versions speak
// different wire protocols for some services (Debian's boto3 1.26 uses SQS's
// query/XML protocol, the pyenv boto3 its JSON protocol), so a service is
// tested with each.
const (
	// cliV1 is the image's AWS CLI v1 (pyenv, first on PATH); it reads
	// AWS_ENDPOINT_URL.
	cliV1 = "aws"
	// cliV2 is Debian's AWS CLI v2 (2.9), which predates AWS_ENDPOINT_URL:
	// awsCLI passes --endpoint-url.
	cliV2 = "/usr/bin/aws"
	// pythonNew has the image's current boto3.
	pythonNew = "python3"
	// pythonDebian has Debian's boto3 1.26, which ignores AWS_ENDPOINT_URL:
	// scripts pass endpoint_url=os.environ["AWS_ENDPOINT_URL"].
	pythonDebian = "/usr/bin/python3"
)

// awsCLI runs one AWS CLI against srv with --output json and returns its
// standard output; a failure's error carries its standard error (where the
// CLI prints AWS's error code).
func awsCLI(t testing.TB, srv *gusttest.Server, cli string, args ...string) ([]byte, error) {
	t.Helper()
	return awsCLIWith(t, srv, awsEnv(srv), cli, args...)
}

// awsCLIWith is awsCLI in environment env (another identity's keys: see
// withKeys).
func awsCLIWith(t testing.TB, srv *gusttest.Server, env []string, cli string, args ...string) ([]byte, error) {
	t.Helper()
	full := append([]string{"--endpoint-url", srv.Endpoint, "--output", "json"}, args...)
	cmd := exec.Command(cli, full...)
	cmd.Env = env
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out, fmt.Errorf("%s %s: %v: %s", cli, strings.Join(args, " "), err, ee.Stderr)
	}
	return out, err
}

// mustAWSCLI is awsCLI that fails the test on an error and decodes the JSON
// it printed (nil when it printed nothing).
func mustAWSCLI(t testing.TB, srv *gusttest.Server, cli string, args ...string) map[string]any {
	t.Helper()
	out, err := awsCLI(t, srv, cli, args...)
	if err != nil {
		t.Fatal(err)
	}
	if len(strings.TrimSpace(string(out))) == 0 {
		return nil
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s %s printed non-JSON: %s", cli, strings.Join(args, " "), out)
	}
	return v
}

// runPython runs script with python (pythonNew or pythonDebian) in the
// environment a user pointing boto3 at srv would have, and returns what it
// printed; a non-zero exit fails the test.
func runPython(t testing.TB, srv *gusttest.Server, python, script string, args ...string) string {
	t.Helper()
	return runPythonWith(t, awsEnv(srv), python, script, args...)
}

// runPythonWith is runPython in environment env.
func runPythonWith(t testing.TB, env []string, python, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-c", script}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s script: %v\n%s", python, err, out)
	}
	return string(out)
}

// withKeys is env with another identity's credentials (a session token
// too when token is not empty); later entries win in exec's Env.
func withKeys(env []string, keyID, secret, token string) []string {
	out := append(append([]string{}, env...), "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret)
	if token != "" {
		out = append(out, "AWS_SESSION_TOKEN="+token)
	}
	return out
}
