package e2e

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
	"gust/internal/runtimes"
)

func TestRuntimeWithoutInterpreterIsRejected(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createRuntimeFunction(t, c, "existing", pythonRuntime(t), "app.handler", fixtureZip(t, "pyfn"))
	for _, family := range []runtimes.Family{runtimes.Python, runtimes.Node} {
		id := missingRuntime(t, family)
		_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: aws.String("nointerp"), Runtime: types.Runtime(id), Role: aws.String(testRole),
			Handler: aws.String("app.handler"), Code: &types.FunctionCode{ZipFile: fixtureZip(t, "pyfn")},
		})
		var invalid *types.InvalidParameterValueException
		if !errors.As(err, &invalid) {
			t.Fatalf("CreateFunction with %s: %v, want InvalidParameterValueException", id, err)
		}
		msg := aws.ToString(invalid.Message)
		looked := "/usr/bin/python" + strings.TrimPrefix(id, "python")
		if family == runtimes.Node {
			looked = "/usr/bin/node" + strings.TrimSuffix(strings.TrimPrefix(id, "nodejs"), ".x")
		}
		for _, want := range []string{"Runtime " + id + " is not available", looked, "--runtime-interpreter " + id + "=PATH"} {
			if !strings.Contains(msg, want) {
				t.Errorf("CreateFunction %s: message %q lacks %q", id, msg, want)
			}
		}
		_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("existing"), Runtime: types.Runtime(id)})
		if !errors.As(err, &invalid) || !strings.Contains(aws.ToString(invalid.Message), looked) {
			t.Errorf("UpdateFunctionConfiguration to %s: %v", id, err)
		}
	}
	// The function kept its runtime and still runs.
	var echoed map[string]any
	invokeJSON(t, c, "existing", map[string]any{"action": "echo", "arg": "kept"}, &echoed)
	if echoed["arg"] != "kept" {
		t.Errorf("echo = %v", echoed)
	}
}

func TestRuntimeInterpreterFlag(t *testing.T) {
	python := missingRuntime(t, runtimes.Python)
	refusedWith := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(gusttest.Binary(t), append([]string{"server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()}, args...)...)
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "GUST_ACCESS_KEY_ID=" + gusttest.AccessKeyID, "GUST_SECRET_ACCESS_KEY=" + gusttest.SecretAccessKey}, env...)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("gust server %v started", args)
		}
		return string(out)
	}
	refused := func(args ...string) string { t.Helper(); return refusedWith(nil, args...) }
	host := hostInterpreter(t, runtimes.Python, "python3.11")
	// Paths a sandbox cannot see, interpreters of another version and
	// missing ones are refused at startup.
	if out := refused("--runtime-interpreter", python+"=/opt/python/bin/python3"); !strings.Contains(out, "outside /usr, /bin, /sbin, /lib, /lib64") {
		t.Errorf("a path outside /usr: %s", out)
	}
	if out := refused("--runtime-interpreter", python+"="+host.Path); !strings.Contains(out, "it is "+host.Version+", not Python ") {
		t.Errorf("an interpreter of the wrong version: %s", out)
	}
	if out := refused("--runtime-interpreter", host.Runtime+"=/usr/bin/no-such-python"); !strings.Contains(out, "no such file") {
		t.Errorf("a missing interpreter: %s", out)
	}
	if out := refusedWith([]string{"GUST_RUNTIME_INTERPRETERS=nodejs20.x=/usr/bin/node," + python + "=/srv/python"}); !strings.Contains(out, python+"=/srv/python") {
		t.Errorf("GUST_RUNTIME_INTERPRETERS was not read: %s", out)
	}

	// A configured interpreter is used, here through a symlink to it.
	link := filepath.Join("/usr/bin", filepath.Base(host.Path))
	if linked, err := filepath.EvalSymlinks("/usr/bin/python3"); err == nil && linked == host.Path {
		link = "/usr/bin/python3"
	}
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--runtime-interpreter", host.Runtime + "=" + link}})
	c := srv.Lambda()
	createRuntimeFunction(t, c, "configured", host.Runtime, "app.handler", fixtureZip(t, "pyfn"))
	var echoed map[string]any
	invokeJSON(t, c, "configured", map[string]any{"action": "echo", "arg": "configured"}, &echoed)
	if echoed["arg"] != "configured" || !strings.Contains(srv.Logs(), host.Runtime+"="+link) {
		t.Errorf("echo = %v; server log:\n%s", echoed, srv.Logs())
	}
}

func TestManagedRuntimesWithoutIsolation(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	c := srv.Lambda()
	createRuntimeFunction(t, c, "plainpy", pythonRuntime(t), "app.handler", fixtureZip(t, "pyfn"))
	createRuntimeFunction(t, c, "plainnode", nodeRuntime(t), "index.handler", fixtureZip(t, "nodefn"))
	for _, fn := range []string{"plainpy", "plainnode"} {
		var first, second struct {
			Cwd string            `json:"cwd"`
			Pid int               `json:"pid"`
			Env map[string]string `json:"env"`
		}
		invokeJSON(t, c, fn, map[string]any{"action": "context"}, &first)
		// Without a sandbox the code stays where the server unpacked it.
		if !strings.HasPrefix(first.Cwd, filepath.Join(srv.DataDir, "code")) || first.Env["AWS_LAMBDA_FUNCTION_NAME"] != fn {
			t.Errorf("%s: cwd %s, env %v", fn, first.Cwd, first.Env)
		}
		invokeJSON(t, c, fn, map[string]any{"action": "context"}, &second)
		if second.Pid != first.Pid {
			t.Errorf("%s: the second invoke ran in a new process", fn)
		}
	}
}
