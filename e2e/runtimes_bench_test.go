package e2e

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"gust/internal/gusttest"
	"gust/internal/runtimes"
)

// Benchmarks of the Python and Node.js runtimes. Each figure stands beside
// the cost of starting the bare interpreter (python3 -c pass, node -e 0)
// on the host, measured in the same run:
//
//	go test -run '^$' -bench 'Python|Node' -benchtime 200x ./e2e

// interpreterFloor times one run of the bare interpreter.
func interpreterFloor(b *testing.B, path string, args ...string) time.Duration {
	cmd := exec.Command(path, args...)
	cmd.Env = []string{}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %v: %v", path, args, err)
	}
	return time.Since(start)
}

// benchRuntime describes one language for the benchmarks.
type benchRuntime struct {
	family    runtimes.Family
	preferred string
	fixture   string
	handler   string
	payload   []byte
	floorArgs []string
}

var (
	benchPython = benchRuntime{runtimes.Python, "python3.11", "pyfn", "app.handler", []byte(`{"action":"echo","arg":"x"}`), []string{"-c", "pass"}}
	benchNode   = benchRuntime{runtimes.Node, "nodejs20.x", "nodefn", "index.handler", []byte(`{"action":"echo","arg":"x"}`), []string{"-e", "0"}}
)

// benchWarm: a warm invoke through aws-sdk-go-v2 (the function echoes its
// event), beside one start of the bare interpreter.
func benchWarm(b *testing.B, rt benchRuntime) {
	it := hostInterpreter(b, rt.family, rt.preferred)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createRuntimeFunction(b, c, "warm", it.Runtime, rt.handler, fixtureZip(b, rt.fixture))
	invokeOnce(b, c, "warm", rt.payload) // cold start, not measured
	var op, floor latencies
	b.ResetTimer()
	for range b.N {
		op = append(op, invokeOnce(b, c, "warm", rt.payload))
		floor = append(floor, interpreterFloor(b, it.Path, rt.floorArgs...))
	}
	report(b, op, floor)
}

// benchCold: the first invoke of a new function (sandbox, interpreter
// start, bootstrap, the handler's import, one event), beside one start of
// the bare interpreter. Idle environments are reaped after a second so
// that the benchmark's leftovers do not pile up.
func benchCold(b *testing.B, rt benchRuntime) {
	it := hostInterpreter(b, rt.family, rt.preferred)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--idle-timeout", "1s"}})
	c := srv.Lambda()
	code := fixtureZip(b, rt.fixture)
	var op, floor latencies
	for i := range b.N {
		name := fmt.Sprintf("cold-%d", i)
		b.StopTimer()
		createRuntimeFunction(b, c, name, it.Runtime, rt.handler, code)
		b.StartTimer()
		op = append(op, invokeOnce(b, c, name, rt.payload))
		floor = append(floor, interpreterFloor(b, it.Path, rt.floorArgs...))
	}
	report(b, op, floor)
}

func BenchmarkWarmInvokePython(b *testing.B) { benchWarm(b, benchPython) }
func BenchmarkColdStartPython(b *testing.B)  { benchCold(b, benchPython) }
func BenchmarkWarmInvokeNode(b *testing.B)   { benchWarm(b, benchNode) }
func BenchmarkColdStartNode(b *testing.B)    { benchCold(b, benchNode) }
