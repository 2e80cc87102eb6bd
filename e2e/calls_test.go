package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"gust/internal/gusttest"
)

type callResult struct {
	Status    int `json:"status"`
	Payload   struct{ Action, Arg string }
	AccessKey string `json:"accessKey"`
	Endpoint  string `json:"endpoint"`
}

// TestFunctionsCallGust: a Go function (aws-sdk-go-v2) and a Python
// function (boto3) invoke another function through the Gust endpoint
// served inside their own network namespace, with credentials of their
// own; nothing else outside the namespace is reachable.
func TestFunctionsCallGust(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "namespace"}})
	c := srv.Lambda()
	createFunction(t, c, "target", goFunctionZip(t))
	createFunction(t, c, "gocaller", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(20) })
	createRuntimeFunction(t, c, "pycaller", pythonRuntime(t), "app.handler", fixtureZip(t, "pyfn"), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(20) })

	keys := map[string]string{}
	for _, caller := range []string{"gocaller", "pycaller"} {
		var got callResult
		invokeJSON(t, c, caller, map[string]any{"action": "call", "arg": "target", "payload": map[string]any{"action": "echo", "arg": "via " + caller}}, &got)
		if got.Status != 200 || got.Payload.Action != "echo" || got.Payload.Arg != "via "+caller {
			t.Errorf("%s: %+v", caller, got)
		}
		if got.Endpoint != "http://127.0.0.1:9000" || !strings.HasPrefix(got.AccessKey, "ASIA") || got.AccessKey == gusttest.AccessKeyID {
			t.Errorf("%s: endpoint %q key %q", caller, got.Endpoint, got.AccessKey)
		}
		keys[caller] = got.AccessKey
	}
	if keys["gocaller"] == keys["pycaller"] {
		t.Errorf("two functions share a key: %v", keys)
	}

	// Inside, only the function's own Gust endpoint and Runtime API answer:
	// not the server's listener, nor anything else on the host's loopback.
	host := httptest.NewServer(http.NotFoundHandler())
	defer host.Close()
	for addr, want := range map[string]bool{
		"127.0.0.1:9000": true,
		"127.0.0.1:9001": true,
		strings.TrimPrefix(srv.Endpoint, "http://"): false,
		strings.TrimPrefix(host.URL, "http://"):     false,
	} {
		var p probeResult
		invokeJSON(t, c, "gocaller", map[string]any{"action": "probe", "arg": addr}, &p)
		if p.Dialed != want {
			t.Errorf("dialing %s from inside: %v, want %v", addr, p.Dialed, want)
		}
	}

	// A key handed to a function is a key Gust accepts from outside too,
	// but an unknown ASIA key is not.
	bad := lambda.New(lambda.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "ASIAAAAAAAAAAAAAAAAA", SecretAccessKey: "x"}, nil
		}), RetryMaxAttempts: 1})
	if _, err := bad.ListFunctions(gusttest.Context(t), &lambda.ListFunctionsInput{}); apiErrorCode(err) == "" {
		t.Errorf("unknown key accepted: %v", err)
	}
}

// checkCallsGustDirectly: under the process backend a function shares the
// host's network, so its AWS_ENDPOINT_URL is the server's real listener,
// and a call to another function through it works.
func checkCallsGustDirectly(t *testing.T, srv *gusttest.Server) {
	t.Helper()
	c := srv.Lambda()
	createFunction(t, c, "target", goFunctionZip(t))
	createFunction(t, c, "gocaller", goFunctionZip(t))
	var got callResult
	invokeJSON(t, c, "gocaller", map[string]any{"action": "call", "arg": "target", "payload": map[string]any{"action": "echo", "arg": "p"}}, &got)
	if got.Status != 200 || got.Payload.Arg != "p" || got.Endpoint != srv.Endpoint {
		t.Errorf("%+v", got)
	}
}

// TestOutboundModes: with the process backend functions get the real
// listener as their endpoint (with --outbound full too, and a warning);
// with --outbound none, a namespace function has no endpoint and nothing
// listens at 127.0.0.1:9000. TestOutboundFull covers full with namespaces.
func TestOutboundModes(t *testing.T) {
	t.Run("process", func(t *testing.T) {
		srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
		checkCallsGustDirectly(t, srv)
	})
	t.Run("full-process", func(t *testing.T) {
		// The process backend cannot attach anything: functions share the
		// host's network, Gust's API is the real listener, and the server
		// says so instead of isolating.
		srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process", "--outbound", "full"}})
		checkCallsGustDirectly(t, srv)
		if !strings.Contains(srv.Logs(), "outbound full is not isolated with the process backend") {
			t.Error("no warning that full outbound is not isolated with the process backend")
		}
	})
	t.Run("none", func(t *testing.T) {
		srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "namespace", "--outbound", "none"}})
		c := srv.Lambda()
		createFunction(t, c, "gocaller", goFunctionZip(t))
		var p probeResult
		invokeJSON(t, c, "gocaller", map[string]any{"action": "probe", "arg": "127.0.0.1:9000"}, &p)
		if p.Dialed {
			t.Errorf("127.0.0.1:9000 answers with --outbound none")
		}
		res, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String("gocaller"), Payload: []byte(`{"action":"call","arg":"gocaller","payload":{"action":"echo"}}`)})
		if err != nil || res.FunctionError == nil {
			t.Errorf("call with --outbound none: %v %s", err, res.Payload)
		}
	})
}
