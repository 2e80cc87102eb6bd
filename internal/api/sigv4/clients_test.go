package sigv4

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests in this file run the other clients Gust must accept: botocore
// (which the aws CLI is built on), the aws CLI itself, and curl --aws-sigv4.
// Each is skipped only when the tool is not installed.

// clientEnv is the whole environment the external clients get: enough to
// find their interpreter, and nothing that would load a developer's AWS
// profile, credentials or proxy settings into the test.
func clientEnv(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		env = append(env, "PYENV_ROOT="+root)
	}
	return append(env, extra...)
}

func runClient(t *testing.T, env []string, name string, args ...string) (stdout string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstdout: %s\nstderr: %s", filepath.Base(name), err, out.String(), errOut.String())
	}
	return out.String()
}

func needBotocore(t *testing.T) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	cmd := exec.CommandContext(t.Context(), python, "-c", "import botocore")
	cmd.Env = clientEnv()
	if err := cmd.Run(); err != nil {
		t.Skipf("botocore not importable: %v", err)
	}
	return python
}

// botocoreScript signs the given requests with botocore.auth.SigV4Auth and
// prints their headers, then drives real botocore clients (Lambda and
// CloudWatch Logs) against the test servers.
const botocoreScript = `
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import botocore.session
from botocore.config import Config

cfg = json.loads(sys.argv[1])
creds = Credentials(cfg["key"], cfg["secret"])
signed = []
for r in cfg["requests"]:
    req = AWSRequest(method=r["method"], url=r["url"], data=r["body"].encode(), headers=r["headers"])
    SigV4Auth(creds, r["service"], cfg["region"]).add_auth(req)
    signed.append(dict(req.headers.items()))

session = botocore.session.get_session()
def client(service):
    return session.create_client(service, region_name=cfg["region"], endpoint_url=cfg["endpoints"][service],
        aws_access_key_id=cfg["key"], aws_secret_access_key=cfg["secret"],
        config=Config(retries={"total_max_attempts": 1}))
lam = client("lambda")
lam.invoke(FunctionName=cfg["arn"], Qualifier="$LATEST", Payload=b'{"a": 1}')
lam.get_function(FunctionName=cfg["arn"] + ":prod")
lam.list_functions(Marker="a/b c+d=e&f~", MaxItems=5)
client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/fn")
print(json.dumps(signed))
`

type botoRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Body    string            `json:"body"`
	Headers map[string]string `json:"headers"`
	Service string            `json:"service"`
}

func TestVerifyBotocore(t *testing.T) {
	t.Parallel()
	python := needBotocore(t)
	const region = "ap-southeast-2"
	lambdaSrv, lambdaResults := verifyingServer(t, &Verifier{Lookup: testLookup}, "lambda")
	logsSrv, logsResults := verifyingServer(t, &Verifier{Lookup: testLookup}, "logs")

	base := lambdaSrv.URL
	requests := []botoRequest{
		{ // raw colons in the path, an unsorted and unencoded query: botocore signs the raw pairs sorted
			Method: "POST", URL: base + "/2015-03-31/functions/arn:aws:lambda:ap-southeast-2:1:function:f/invocations?b=2&a=x%20y&c=d:e",
			Body: `{"a":1}`, Headers: map[string]string{"Content-Type": "application/json"},
		},
		{Method: "GET", URL: base + "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aap-southeast-2%3A1%3Afunction%3Af?Qualifier=%24LATEST"},
		{Method: "GET", URL: base + "/2015-03-31/functions/?q=a+b&Marker=x%2Fy"},
		{Method: "GET", URL: base + "/2015-03-31//functions/./x/../"}, // botocore removes dot segments before signing
		{Method: "GET", URL: base + "/2015-03-31/functions/", Headers: map[string]string{"Date": "set by botocore"}},
		{Method: "PUT", URL: base + "/upload", Body: "unsigned", Headers: map[string]string{"X-Amz-Content-SHA256": unsignedPayload}},
		{Method: "POST", URL: base + "/", Body: "x", Headers: map[string]string{"X-Custom": "  a   b  "}},
	}
	for i := range requests {
		requests[i].Service = "lambda"
		if requests[i].Headers == nil {
			requests[i].Headers = map[string]string{}
		}
	}
	cfg, _ := json.Marshal(map[string]any{
		"key": testKeyID, "secret": testSecret, "region": region,
		"arn":       "arn:aws:lambda:" + region + ":123456789012:function:my-function",
		"endpoints": map[string]string{"lambda": lambdaSrv.URL, "logs": logsSrv.URL},
		"requests":  requests,
	})
	out := runClient(t, clientEnv(), python, "-c", botocoreScript, string(cfg))

	t.Run("clients", func(t *testing.T) {
		for _, call := range []string{"Invoke", "GetFunction", "ListFunctions"} {
			if got := next(t, lambdaResults); got.err != nil || got.principal.Region != region {
				t.Errorf("lambda %s: principal %+v, err %v", call, got.principal, got.err)
			}
		}
		if got := next(t, logsResults); got.err != nil || got.principal.Service != "logs" {
			t.Errorf("logs DescribeLogGroups: principal %+v, err %v", got.principal, got.err)
		}
	})

	var signed []map[string]string
	if err := json.Unmarshal([]byte(out), &signed); err != nil || len(signed) != len(requests) {
		t.Fatalf("botocore output %q: %v", out, err)
	}
	for i, br := range requests {
		t.Run("SigV4Auth "+br.Method+" "+strings.TrimPrefix(br.URL, base), func(t *testing.T) {
			r, err := http.NewRequest(br.Method, br.URL, strings.NewReader(br.Body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range signed[i] {
				if strings.EqualFold(k, "Host") {
					r.Host = v
					continue
				}
				r.Header.Set(k, v)
			}
			got, _ := send(t, lambdaSrv, lambdaResults, r)
			if got.err != nil {
				t.Fatalf("Verify: %v\nheaders: %v", got.err, signed[i])
			}
		})
	}
}

func TestVerifyAWSCLI(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	srv, results := verifyingServer(t, &Verifier{Lookup: testLookup}, "lambda")
	env := clientEnv("AWS_ACCESS_KEY_ID="+testKeyID, "AWS_SECRET_ACCESS_KEY="+testSecret, "AWS_DEFAULT_REGION=eu-west-1")
	runClient(t, env, aws, "lambda", "get-function", "--endpoint-url", srv.URL,
		"--function-name", "arn:aws:lambda:eu-west-1:123456789012:function:my-function:prod")
	if got := next(t, results); got.err != nil || got.principal.Region != "eu-west-1" {
		t.Fatalf("principal %+v, err %v", got.principal, got.err)
	}
}

// curl before 8.x signs the path and query exactly as written, unsorted and
// without re-encoding; newer curl canonicalises like the SDKs.
func TestVerifyCurl(t *testing.T) {
	t.Parallel()
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	srv, results := verifyingServer(t, &Verifier{Lookup: testLookup}, "lambda")
	tests := []struct {
		name string
		args []string
	}{
		{"invoke ARN with an unsorted query", []string{
			"-H", "Content-Type: application/json", "--data-binary", `{"a":1}`,
			srv.URL + "/2015-03-31/functions/arn:aws:lambda:us-west-2:1:function:f/invocations?b=2&a=x%20y&c=d:e",
		}},
		{"list", []string{srv.URL + "/2015-03-31/functions/?MaxItems=5"}},
		{"padded custom header", []string{"-H", "X-Custom:   a   b", "-X", "PUT", "--data-binary", "body", srv.URL + "/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-q", "-sS", "-o", os.DevNull,
				"--aws-sigv4", "aws:amz:us-west-2:lambda", "--user", testKeyID + ":" + testSecret}, tt.args...)
			cmd := exec.CommandContext(t.Context(), curl, args...)
			cmd.Env = clientEnv()
			out, err := cmd.CombinedOutput()
			if err != nil {
				if strings.Contains(string(out), "aws-sigv4") {
					t.Skipf("this curl has no --aws-sigv4: %s", out)
				}
				t.Fatalf("curl: %v: %s", err, out)
			}
			if got := next(t, results); got.err != nil || got.principal.Region != "us-west-2" {
				t.Fatalf("principal %+v, err %v", got.principal, got.err)
			}
		})
	}
}
