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

// benchCold: the first invoke of a new function (a pooled runtime
// specialised, or sandbox and interpreter start when the pool is empty;
// the bootstrap, the handler's import, one event), beside one start of the
// bare interpreter. The cold start's own cost, cold-minus-warm, is the
// first invoke less the function's second (warm) one; x-floor-cold is that
// over the floor. Between iterations, untimed, the benchmark waits for the
// pool to hold a runtime again, so it measures a cold start that finds
// one (pooled-share reports the share that did). Idle environments are
// reaped after a second so that the benchmark's leftovers do not pile up.
func benchCold(b *testing.B, rt benchRuntime) {
	it := hostInterpreter(b, rt.family, rt.preferred)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--idle-timeout", "1s"}})
	c := srv.Lambda()
	code := fixtureZip(b, rt.fixture)
	var op, extra, floor latencies
	for i := range b.N {
		name := fmt.Sprintf("cold-%d", i)
		b.StopTimer()
		waitPoolAtLeast(b, srv, it.Runtime, 1)
		createRuntimeFunction(b, c, name, it.Runtime, rt.handler, code)
		b.StartTimer()
		cold := invokeOnce(b, c, name, rt.payload)
		warm := invokeOnce(b, c, name, rt.payload)
		op = append(op, cold)
		extra = append(extra, cold-warm)
		floor = append(floor, interpreterFloor(b, it.Path, rt.floorArgs...))
	}
	report(b, op, floor)
	b.ReportMetric(ms(extra.pct(0.50)), "cold-minus-warm-p50-ms")
	b.ReportMetric(ms(extra.pct(0.99)), "cold-minus-warm-p99-ms")
	b.ReportMetric(float64(extra.pct(0.50))/float64(floor.pct(0.50)), "x-floor-cold")
	taken := poolSample(b, srv, "gust_pooled_environments_taken_total", it.Runtime, "")
	b.ReportMetric(taken/float64(b.N), "pooled-share")
}

// waitPoolAtLeast polls until runtime's pool holds n idle environments.
func waitPoolAtLeast(b *testing.B, srv *gusttest.Server, runtime string, n float64) {
	deadline := time.Now().Add(30 * time.Second)
	for poolSample(b, srv, "gust_pooled_environments", runtime, "idle") < n {
		if time.Now().After(deadline) {
			b.Fatalf("the pool of %s never held %v runtimes", runtime, n)
		}
		time.Sleep(5 * time.Millisecond) // polling /metrics
	}
}

func BenchmarkWarmInvokePython(b *testing.B) { benchWarm(b, benchPython) }
func BenchmarkColdStartPython(b *testing.B)  { benchCold(b, benchPython) }
func BenchmarkWarmInvokeNode(b *testing.B)   { benchWarm(b, benchNode) }
func BenchmarkColdStartNode(b *testing.B)    { benchCold(b, benchNode) }
