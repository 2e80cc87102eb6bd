package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// Benchmarks of cold starts at scale and of what idle environments cost:
//
//	go test -run '^$' -bench 'Burst|IdleMemory' -benchtime 3x ./e2e

// benchBurst: 100 concurrent invokes of a function that has no
// environment yet (a new function each iteration), each running a 300 ms
// handler. The SDK does not retry, so a throttle would fail the
// benchmark; burst-ms is the wall time until the last answer.
func benchBurst(b *testing.B, runtime, handler string, code []byte, payload string) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--idle-timeout", "1s"}})
	c := srv.Lambda()
	noRetry := func(o *lambda.Options) { o.RetryMaxAttempts = 1 }
	var walls latencies
	for i := range b.N {
		name := fmt.Sprintf("burst-%d", i)
		b.StopTimer()
		// Under a burst of interpreter starts on a small machine a
		// handler may wait its turn for the CPU beyond Lambda's default
		// 3 s; the benchmark measures the burst, not the timeout.
		timeout := func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(60) }
		if runtime == "" {
			createFunction(b, c, name, code, timeout)
		} else {
			createRuntimeFunction(b, c, name, runtime, handler, code, timeout)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		start := time.Now()
		for range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload)}, noRetry)
				switch {
				case err != nil:
					errs <- err
				case res.FunctionError != nil:
					errs <- fmt.Errorf("function error: %s", res.Payload)
				}
			}()
		}
		wg.Wait()
		walls = append(walls, time.Since(start))
		close(errs)
		for err := range errs {
			var tooMany *types.TooManyRequestsException
			if errors.As(err, &tooMany) {
				b.Fatalf("throttled: %v", err)
			}
			b.Fatalf("burst invoke: %v", err)
		}
	}
	b.ReportMetric(ms(walls.pct(0.50)), "burst-p50-ms")
	b.ReportMetric(ms(walls.pct(1)), "burst-max-ms")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkBurst100Provided(b *testing.B) {
	benchBurst(b, "", "", goFunctionZip(b), `{"action":"sleep","ms":300}`)
}

func BenchmarkBurst100Python(b *testing.B) {
	benchBurst(b, pythonRuntime(b), "app.handler", fixtureZip(b, "pyfn"), `{"action":"sleep","ms":300}`)
}

// envCgroupParent is the memory cgroup directory under which the server
// (a child of this process, in its cgroup) makes each environment's.
func envCgroupParent(b *testing.B) (dir, usageFile string) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case strings.Contains(","+parts[1]+",", ",memory,"):
			return filepath.Join("/sys/fs/cgroup/memory", parts[2], "gust"), "memory.usage_in_bytes"
		case parts[0] == "0" && parts[1] == "":
			dir, usageFile = filepath.Join("/sys/fs/cgroup", parts[2], "gust"), "memory.current"
		}
	}
	return dir, usageFile
}

func cgroupNames(b *testing.B, dir string) map[string]bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatalf("reading %s: %v", dir, err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() {
			names[e.Name()] = true
		}
	}
	return names
}

// BenchmarkIdleMemory: the memory cgroup usage of one idle warm
// environment of each runtime after one invocation, and of one pooled
// (not yet specialised) runtime. Pools are off while the functions'
// environments are measured, so that every new cgroup is a function's.
func BenchmarkIdleMemory(b *testing.B) {
	parent, usageFile := envCgroupParent(b)
	usage := func(id string) float64 {
		raw, err := os.ReadFile(filepath.Join(parent, id, usageFile))
		if err != nil {
			b.Fatalf("reading %s's memory: %v", id, err)
		}
		n, _ := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
		return n / (1 << 20)
	}
	newCgroups := func(before map[string]bool) []string {
		var out []string
		for name := range cgroupNames(b, parent) {
			if !before[name] {
				out = append(out, name)
			}
		}
		return out
	}
	type fn struct{ label, runtime, handler, fixture string }
	fns := []fn{
		{"python-mb", pythonRuntime(b), "app.handler", "pyfn"},
		{"node-mb", nodeRuntime(b), "index.handler", "nodefn"},
		{"go-mb", "", "", ""},
	}
	sums := map[string]float64{}
	for i := range b.N {
		srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--pool-min", "0"}})
		c := srv.Lambda()
		for _, f := range fns {
			name := fmt.Sprintf("mem-%s-%d", f.label[:len(f.label)-3], i)
			if f.runtime == "" {
				createFunction(b, c, name, goFunctionZip(b))
			} else {
				createRuntimeFunction(b, c, name, f.runtime, f.handler, fixtureZip(b, f.fixture))
			}
			before := cgroupNames(b, parent)
			invokeOnce(b, c, name, []byte(`{"action":"echo","arg":"x"}`))
			ids := newCgroups(before)
			if len(ids) != 1 {
				b.Fatalf("%d new environment cgroups after invoking %s, want 1 (other servers on this host?)", len(ids), name)
			}
			sums[f.label] += usage(ids[0])
		}
		srv.Stop()

		before := cgroupNames(b, parent)
		pooled := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--pool-min", "1"}})
		rt := pythonRuntime(b)
		waitPoolAtLeast(b, pooled, rt, 1)
		waitPoolAtLeast(b, pooled, nodeRuntime(b), 1)
		ids := newCgroups(before)
		var total float64
		for _, id := range ids {
			total += usage(id)
		}
		if len(ids) > 0 {
			sums["pooled-mb"] += total / float64(len(ids))
		}
		pooled.Stop()
	}
	for label, sum := range sums {
		b.ReportMetric(sum/float64(b.N), label)
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkIdleCPU: what one idle warm environment of each runtime costs
// the host while nobody invokes it: CPU time (from the scheduler's
// per-thread accounting, in nanoseconds) and context switches (its threads
// waking up) of the environment's processes over a quiet window after one
// invocation. It tells whether freezing idle environments (cgroup
// freezer) could save CPU.
func BenchmarkIdleCPU(b *testing.B) {
	const window = 20 * time.Second
	type fn struct{ label, runtime, handler, fixture string }
	fns := []fn{
		{"python", pythonRuntime(b), "app.handler", "pyfn"},
		{"node", nodeRuntime(b), "index.handler", "nodefn"},
		{"go", "", "", ""},
	}
	cpu, wakeups := map[string]time.Duration{}, map[string]int{}
	for i := range b.N {
		for _, f := range fns {
			srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--pool-min", "0", "--idle-timeout", "10m"}})
			c := srv.Lambda()
			name := fmt.Sprintf("idle-%s-%d", f.label, i)
			if f.runtime == "" {
				createFunction(b, c, name, goFunctionZip(b))
			} else {
				createRuntimeFunction(b, c, name, f.runtime, f.handler, fixtureZip(b, f.fixture))
			}
			invokeOnce(b, c, name, []byte(`{"action":"echo","arg":"x"}`))
			envProcs := descendants(readProcs(b), srv.PID())
			if len(envProcs) == 0 {
				b.Fatalf("%s: no environment processes below the server", name)
			}
			for _, pid := range envProcs {
				ran, switched := threadStats(b, pid)
				cpu[f.label] -= ran
				wakeups[f.label] -= switched
			}
			time.Sleep(window) // the quiet window being measured
			for _, pid := range envProcs {
				ran, switched := threadStats(b, pid)
				cpu[f.label] += ran
				wakeups[f.label] += switched
			}
			srv.Stop()
		}
	}
	perMinute := float64(time.Minute) / float64(window) / float64(b.N)
	for _, f := range fns {
		b.ReportMetric(float64(cpu[f.label])/float64(time.Millisecond)*perMinute, f.label+"-cpu-ms/min")
		b.ReportMetric(float64(wakeups[f.label])*perMinute/60, f.label+"-wakeups/s")
	}
	b.ReportMetric(0, "ns/op")
}

// threadStats sums, over every thread of pid, the time it ran
// (/proc/PID/task/TID/schedstat, nanoseconds) and its voluntary and
// involuntary context switches.
func threadStats(b *testing.B, pid int) (ran time.Duration, switches int) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	if len(tasks) == 0 {
		b.Fatalf("process %d is gone", pid)
	}
	for _, task := range tasks {
		if raw, err := os.ReadFile(filepath.Join(task, "schedstat")); err == nil {
			if f := strings.Fields(string(raw)); len(f) > 0 {
				ns, _ := strconv.ParseInt(f[0], 10, 64)
				ran += time.Duration(ns)
			}
		}
		raw, err := os.ReadFile(filepath.Join(task, "status"))
		if err != nil {
			continue // a thread that ended
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.HasSuffix(k, "voluntary_ctxt_switches") {
				n, _ := strconv.Atoi(strings.TrimSpace(v))
				switches += n
			}
		}
	}
	return ran, switches
}
