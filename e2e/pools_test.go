package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// pooledRuntimes are the runtimes whose pools these tests exercise, each
// with a handler that reports what its environment holds and leaves a
// mark in /tmp and in its process environment.
func pooledRuntimes(t *testing.T) []pooledRuntime {
	return []pooledRuntime{
		{pythonRuntime(t), "app.py", "app.handler", `import os
def handler(event, context):
    seen = {"tmp": sorted(os.listdir("/tmp")), "task": sorted(os.listdir("/var/task")),
            "env": dict(os.environ), "cwd": os.getcwd()}
    open("/tmp/mark-" + os.environ["WHO"], "w").write("x")
    os.environ["LEFT_BY_" + os.environ["WHO"]] = "1"
    return seen
`},
		{nodeRuntime(t), "index.js", "index.handler", `const fs = require('fs');
exports.handler = async () => {
  const seen = { tmp: fs.readdirSync('/tmp').sort(), task: fs.readdirSync('/var/task').sort(),
    env: { ...process.env }, cwd: process.cwd() };
  fs.writeFileSync('/tmp/mark-' + process.env.WHO, 'x');
  process.env['LEFT_BY_' + process.env.WHO] = '1';
  return seen;
};
`},
		// A provided runtime: the pooled sandbox execs the function's own
		// bootstrap once it is specialised.
		{"provided.al2023", "bootstrap", "unused", `#!/usr/bin/python3
import json, os, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
while True:
    with urllib.request.urlopen(api + "/invocation/next") as r:
        rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
        r.read()
    seen = {"tmp": sorted(os.listdir("/tmp")), "task": sorted(os.listdir("/var/task")),
            "env": dict(os.environ), "cwd": os.getcwd()}
    open("/tmp/mark-" + os.environ["WHO"], "w").write("x")
    os.environ["LEFT_BY_" + os.environ["WHO"]] = "1"
    req = urllib.request.Request(api + "/invocation/" + rid + "/response", data=json.dumps(seen).encode(), method="POST")
    urllib.request.urlopen(req).read()
`},
	}
}

type pooledRuntime struct{ runtime, file, handler, code string }

// poolLabel is the runtime label of a runtime's pool on /metrics.
func (r pooledRuntime) poolLabel() string {
	if r.file == "bootstrap" {
		return "provided"
	}
	return r.runtime
}

func (r pooledRuntime) zip(t testing.TB, extra ...zipFile) []byte {
	return makeZip(t, append([]zipFile{{Name: r.file, Body: []byte(r.code), Mode: 0o755}}, extra...)...)
}

type seenByFunction struct {
	Tmp  []string          `json:"tmp"`
	Task []string          `json:"task"`
	Env  map[string]string `json:"env"`
	Cwd  string            `json:"cwd"`
}

// poolSample reads one runtime's pool gauge or counter from /metrics.
func poolSample(t testing.TB, srv *gusttest.Server, name, runtime, state string) float64 {
	t.Helper()
	key := fmt.Sprintf(`%s{runtime="%s",state="%s"}`, name, runtime, state)
	if state == "" {
		key = fmt.Sprintf(`%s{runtime="%s"}`, name, runtime)
	}
	return scrapeMetrics(t, srv)[key]
}

// waitPooled polls until runtime's pool holds exactly n idle environments.
func waitPooled(t testing.TB, srv *gusttest.Server, runtime string, n float64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := poolSample(t, srv, "gust_pooled_environments", runtime, "idle")
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pool of %s holds %v idle environments, want %v", runtime, got, n)
		}
		time.Sleep(20 * time.Millisecond) // polling /metrics, not waiting for time to pass
	}
}

func invokeSeen(t *testing.T, c *lambda.Client, fn string) seenByFunction {
	t.Helper()
	res := invokeRaw(t, c, fn, `{}`)
	if res.FunctionError != nil {
		t.Fatalf("%s failed: %s", fn, res.Payload)
	}
	var seen seenByFunction
	if err := json.Unmarshal(res.Payload, &seen); err != nil {
		t.Fatalf("%s answered %s: %v", fn, res.Payload, err)
	}
	return seen
}

// Two functions take pooled environments in turn (the pool holds one):
// each sees only its own code, environment and /tmp, and the pool refills
// after each take.
func TestPooledEnvironmentsServeOneFunctionEach(t *testing.T) {
	for _, rt := range pooledRuntimes(t) {
		t.Run(rt.runtime, func(t *testing.T) {
			srv := gusttest.Start(t, gusttest.Options{Args: []string{"--pool-min", "1", "--pool-max", "1"}})
			c := srv.Lambda()
			for i, who := range []string{"a", "b"} {
				waitPooled(t, srv, rt.poolLabel(), 1)
				fn := "pooled-" + who
				zip := rt.zip(t, zipFile{Name: "only-" + who + ".txt", Body: []byte(who)})
				createRuntimeFunction(t, c, fn, rt.runtime, rt.handler, zip, func(in *lambda.CreateFunctionInput) {
					in.MemorySize = aws.Int32(int32(256 + 128*i))
					in.Environment = &types.Environment{Variables: map[string]string{"WHO": who, "ONLY_" + who: "yes"}}
				})
				seen := invokeSeen(t, c, fn)
				if taken := poolSample(t, srv, "gust_pooled_environments_taken_total", rt.poolLabel(), ""); taken != float64(i+1) {
					t.Fatalf("%s: %v cold starts served from the pool, want %d", fn, taken, i+1)
				}
				wantTask := []string{"only-" + who + ".txt", rt.file}
				slices.Sort(wantTask)
				if !slices.Equal(seen.Task, wantTask) {
					t.Errorf("%s: /var/task holds %v, want %v", fn, seen.Task, wantTask)
				}
				if len(seen.Tmp) != 0 {
					t.Errorf("%s: /tmp holds %v on its first invocation, want nothing", fn, seen.Tmp)
				}
				if seen.Cwd != "/var/task" {
					t.Errorf("%s: working directory %s", fn, seen.Cwd)
				}
				env := seen.Env
				if env["WHO"] != who || env["ONLY_"+who] != "yes" || env["AWS_LAMBDA_FUNCTION_NAME"] != fn ||
					env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] != fmt.Sprint(256+128*i) || (env["_HANDLER"] != rt.handler && rt.file != "bootstrap") ||
					env["AWS_LAMBDA_RUNTIME_API"] == "" || env["LAMBDA_TASK_ROOT"] != "/var/task" {
					t.Errorf("%s: environment %v", fn, env)
				}
				for k := range env {
					if k == "_GUST_POOLED" || k == "ONLY_a" && who != "a" || k == "LEFT_BY_a" {
						t.Errorf("%s: environment holds %s", fn, k)
					}
				}
				// The function keeps its environment, /tmp included.
				again := invokeSeen(t, c, fn)
				if !slices.Equal(again.Tmp, []string{"mark-" + who}) {
					t.Errorf("%s: warm /tmp holds %v", fn, again.Tmp)
				}
			}
			waitPooled(t, srv, rt.poolLabel(), 1) // refilled after the second take
		})
	}
}

// A pool grows with cold starts and shrinks back to its minimum once they
// stop for a window.
func TestPoolFollowsDemand(t *testing.T) {
	rt := pooledRuntimes(t)[0]
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--pool-min", "1", "--pool-max", "3", "--pool-window", "3s"}})
	c := srv.Lambda()
	waitPooled(t, srv, rt.runtime, 1)
	zip := rt.zip(t)
	for i := range 3 {
		fn := fmt.Sprintf("demand-%d", i)
		createRuntimeFunction(t, c, fn, rt.runtime, rt.handler, zip, func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"WHO": fn}}
		})
		invokeSeen(t, c, fn)
	}
	waitPooled(t, srv, rt.runtime, 3) // 1 + 3 cold starts, capped at 3
	waitPooled(t, srv, rt.runtime, 1) // a window without cold starts
}

// A function whose /tmp differs from the pooled sandboxes' starts the
// usual way, and the pool is left alone.
func TestPoolSkipsOtherTmpSizes(t *testing.T) {
	rt := pooledRuntimes(t)[0]
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--pool-min", "1"}})
	c := srv.Lambda()
	waitPooled(t, srv, rt.runtime, 1)
	createRuntimeFunction(t, c, "bigtmp", rt.runtime, rt.handler, rt.zip(t), func(in *lambda.CreateFunctionInput) {
		in.EphemeralStorage = &types.EphemeralStorage{Size: aws.Int32(1024)}
		in.Environment = &types.Environment{Variables: map[string]string{"WHO": "big"}}
	})
	invokeSeen(t, c, "bigtmp")
	if taken := poolSample(t, srv, "gust_pooled_environments_taken_total", rt.runtime, ""); taken != 0 {
		t.Errorf("%v cold starts served from the pool, want 0", taken)
	}
}

// A killed server leaves its pooled sandboxes' /var/task mounts in the
// host's mount table; the next start unmounts and removes them, and the
// code they showed is still there for the function.
func TestRestartSweepsKilledServersPoolMounts(t *testing.T) {
	rt := pooledRuntimes(t)[0]
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--pool-min", "1", "--pool-max", "1"}})
	c := srv.Lambda()
	waitPooled(t, srv, rt.poolLabel(), 1)
	createRuntimeFunction(t, c, "swept", rt.runtime, rt.handler, rt.zip(t), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"WHO": "swept"}}
	})
	invokeSeen(t, c, "swept") // takes the pooled sandbox: its code is mounted on its directory
	waitPooled(t, srv, rt.poolLabel(), 1)
	poolDir := filepath.Join(srv.DataDir, "pool")
	before := mountsUnder(t, poolDir)
	if len(before) < 2 {
		t.Fatalf("mounts under %s while running: %v, want the taken sandbox's and the refilled one's", poolDir, before)
	}

	srv.Kill()
	if left := mountsUnder(t, poolDir); len(left) == 0 {
		t.Fatal("the killed server left no mounts: nothing for the restart to sweep, the test proves nothing")
	}
	srv.Start()
	waitPooled(t, srv, rt.poolLabel(), 1)
	for _, m := range mountsUnder(t, poolDir) {
		if slices.Contains(before, m) {
			t.Errorf("%s is still mounted after the restart", m)
		}
	}
	entries, err := os.ReadDir(poolDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if slices.ContainsFunc(before, func(m string) bool { return strings.HasPrefix(m, filepath.Join(poolDir, e.Name())) }) {
			t.Errorf("%s, a directory of the killed server, is still there", e.Name())
		}
	}
	if seen := invokeSeen(t, srv.Lambda(), "swept"); !slices.Equal(seen.Task, []string{rt.file}) {
		t.Errorf("after the restart /var/task holds %v, want [%s]", seen.Task, rt.file)
	}
}

// mountsUnder lists the mount points below dir in this process's mount
// table.
func mountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			out = append(out, f[4])
		}
	}
	return out
}
