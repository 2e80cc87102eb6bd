package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// Benchmarks report each figure beside its floor measured in the same run:
//
//	go test -run '^$' -bench . -benchtime 2000x ./e2e
//
// Metrics: p50-ms/p99-ms of the operation, floor-p50-ms/floor-p99-ms of the
// floor, and x-floor-p50 = p50 / floor p50.

// latencies collects durations and reports percentiles.
type latencies []time.Duration

func (l latencies) pct(p float64) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func report(b *testing.B, op, floor latencies) {
	b.ReportMetric(ms(op.pct(0.50)), "p50-ms")
	b.ReportMetric(ms(op.pct(0.99)), "p99-ms")
	b.ReportMetric(ms(floor.pct(0.50)), "floor-p50-ms")
	b.ReportMetric(ms(floor.pct(0.99)), "floor-p99-ms")
	b.ReportMetric(float64(op.pct(0.50))/float64(floor.pct(0.50)), "x-floor-p50")
	b.ReportMetric(0, "ns/op") // wall time per op is meaningless beside the percentiles
}

// bareLambdaClient is the same SDK client pointed at a bare HTTP server that
// answers every Invoke with {} at once, inside the benchmark's own process:
// a round trip with no process to wake on the other side.
func bareLambdaClient(b *testing.B) *lambda.Client {
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	b.Cleanup(bare.Close)
	return sdkClient(bare.URL)
}

// bareProcessClient is the same SDK client pointed at fixtures/bareserver,
// a bare HTTP server in a process of its own, as Gust is: the floor the
// invoke targets are measured against. It also returns the server's pid.
func bareProcessClient(b *testing.B) (*lambda.Client, int) {
	addr, pid := bareProcess(b)
	return sdkClient("http://" + addr), pid
}

// bareProcess starts fixtures/bareserver and returns its address and pid.
func bareProcess(b *testing.B) (string, int) {
	bin := filepath.Join(b.TempDir(), "bareserver")
	if err := os.WriteFile(bin, goBinary(b, "./e2e/fixtures/bareserver"), 0o755); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin)
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	var addr string
	if _, err := fmt.Fscanln(out, &addr); err != nil {
		b.Fatalf("reading the bare server's address: %v", err)
	}
	return addr, cmd.Process.Pid
}

func sdkClient(endpoint string) *lambda.Client {
	return lambda.New(lambda.Options{
		Region: gusttest.Region, BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
	})
}

func invokeOnce(b *testing.B, c *lambda.Client, fn string, payload []byte) time.Duration {
	start := time.Now()
	res, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload})
	d := time.Since(start)
	if err != nil || res.FunctionError != nil {
		b.Fatalf("invoke: %v", err)
	}
	return d
}

// BenchmarkWarmInvoke: a warm Go function through aws-sdk-go-v2, against
// the same client's round trip to a bare HTTP server in a process of its
// own (floor-*) and inside the benchmark's process (inproc-floor-*).
func BenchmarkWarmInvoke(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "warm", goFunctionZip(b))
	bare, _ := bareProcessClient(b)
	inproc := bareLambdaClient(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	invokeOnce(b, c, "warm", payload) // cold start, not measured
	invokeOnce(b, bare, "warm", payload)
	invokeOnce(b, inproc, "warm", payload)
	var op, floor, inprocFloor latencies
	b.ResetTimer()
	// The three take turns going first: whichever follows a Gust invoke
	// shares the CPUs with what Gust and the function still do after
	// answering (the runtime's next GET /next).
	calls := []func(){
		func() { op = append(op, invokeOnce(b, c, "warm", payload)) },
		func() { floor = append(floor, invokeOnce(b, bare, "warm", payload)) },
		func() { inprocFloor = append(inprocFloor, invokeOnce(b, inproc, "warm", payload)) },
	}
	for i := range b.N {
		for j := range calls {
			calls[(i+j)%len(calls)]()
		}
	}
	report(b, op, floor)
	b.ReportMetric(ms(inprocFloor.pct(0.50)), "inproc-floor-p50-ms")
	b.ReportMetric(float64(op.pct(0.50))/float64(inprocFloor.pct(0.50)), "x-inproc-floor-p50")
}

// BenchmarkWarmInvokePolicy: the same warm invoke by the account root
// (never evaluated) and by an IAM user whose one inline policy has 20
// statements, the allowing one last, taking turns; policy-overhead-pct is
// (user p50 - root p50) / root p50.
func BenchmarkWarmInvokePolicy(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "warm", goFunctionZip(b))
	ctx := gusttest.Context(b)
	admin := iamAs(srv, gusttest.AccessKeyID, gusttest.SecretAccessKey, "")
	if _, err := admin.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	var st []string
	for i := 0; i < 19; i++ {
		st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["sqs:SendMessage","logs:Get*"],"Resource":"arn:aws:sqs:*:*:queue-%d"}`, i))
	}
	st = append(st, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:warm"}`)
	if _, err := admin.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bench"), PolicyName: aws.String("twenty"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`)}); err != nil {
		b.Fatal(err)
	}
	key, err := admin.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	user := lambdaAs(srv, aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	payload := []byte(`{"action":"echo","arg":"x"}`)
	invokeOnce(b, c, "warm", payload) // cold start, not measured
	invokeOnce(b, user, "warm", payload)
	var root, evaluated latencies
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			root = append(root, invokeOnce(b, c, "warm", payload))
			evaluated = append(evaluated, invokeOnce(b, user, "warm", payload))
		} else {
			evaluated = append(evaluated, invokeOnce(b, user, "warm", payload))
			root = append(root, invokeOnce(b, c, "warm", payload))
		}
	}
	b.ReportMetric(ms(root.pct(0.50)), "root-p50-ms")
	b.ReportMetric(ms(evaluated.pct(0.50)), "policy-p50-ms")
	b.ReportMetric(ms(evaluated.pct(0.99)), "policy-p99-ms")
	b.ReportMetric(100*(float64(evaluated.pct(0.50))-float64(root.pct(0.50)))/float64(root.pct(0.50)), "policy-overhead-pct")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkThroughput16: invocations per second with 16 concurrent clients,
// against the same 16 clients on a bare server in a process of its own
// (floor) and inside the benchmark's process (inproc-floor). It also
// reports the CPU time each invocation cost the clients (the benchmark's
// process), the Gust server and the functions' processes, and what each
// request of the floor's run cost the clients and the bare server.
func BenchmarkThroughput16(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "tput", goFunctionZip(b))
	bare, barePID := bareProcessClient(b)
	inproc := bareLambdaClient(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	run := func(client *lambda.Client) (perSecond float64, n int) {
		var wg sync.WaitGroup
		start := time.Now()
		per := max(b.N/16, 1)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range per {
					invokeOnce(b, client, "tput", payload)
				}
			}()
		}
		wg.Wait()
		return float64(per*16) / time.Since(start).Seconds(), per * 16
	}
	run(c) // start the 16 environments
	b.ResetTimer()
	before := cpuNow(b, srv.PID())
	gust, n := run(c)
	cost := cpuNow(b, srv.PID()).sub(before)
	before = cpuNow(b, barePID)
	floor, floorN := run(bare)
	floorCost := cpuNow(b, barePID).sub(before)
	inprocFloor, _ := run(inproc)
	b.ReportMetric(gust, "invokes/s")
	b.ReportMetric(floor, "floor-req/s")
	b.ReportMetric(gust/floor, "x-floor")
	b.ReportMetric(inprocFloor, "inproc-floor-req/s")
	b.ReportMetric(gust/inprocFloor, "x-inproc-floor")
	perCall := func(d time.Duration, calls int) float64 {
		return float64(d) / float64(time.Microsecond) / float64(calls)
	}
	b.ReportMetric(perCall(cost.client, n), "client-cpu-us/invoke")
	b.ReportMetric(perCall(cost.server, n), "gust-cpu-us/invoke")
	b.ReportMetric(perCall(cost.functions, n), "functions-cpu-us/invoke")
	b.ReportMetric(perCall(floorCost.client, floorN), "floor-client-cpu-us/req")
	b.ReportMetric(perCall(floorCost.server, floorN), "floor-server-cpu-us/req")
	b.ReportMetric(0, "ns/op")
}

// cpuTimes is CPU time (user and system) used so far by the benchmark's
// process, a Gust server, and the server's descendants (the functions).
type cpuTimes struct{ client, server, functions time.Duration }

func (a cpuTimes) sub(b cpuTimes) cpuTimes {
	return cpuTimes{a.client - b.client, a.server - b.server, a.functions - b.functions}
}

// cpuNow reads cpuTimes from /proc; processes that exit in between are not
// counted, which is why it is read only while every environment is warm.
func cpuNow(b *testing.B, serverPID int) cpuTimes {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	out := cpuTimes{client: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	procs := readProcs(b)
	out.server = procs[serverPID].cpu
	for _, pid := range descendants(procs, serverPID) {
		out.functions += procs[pid].cpu
	}
	return out
}

// proc is what cpuNow needs of a process.
type proc struct {
	ppid int
	cpu  time.Duration
}

func readProcs(b *testing.B) map[int]proc {
	paths, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		b.Fatal(err)
	}
	procs := map[int]proc{}
	for _, p := range paths {
		if pid, ppid, cpu, ok := procStat(p); ok {
			procs[pid] = proc{ppid, cpu}
		}
	}
	return procs
}

// descendants lists the processes below root: a server's sandboxes.
func descendants(procs map[int]proc, root int) []int {
	var out []int
	for pid := range procs {
		for p, hops := procs[pid].ppid, 0; p > 1 && hops < 16; p, hops = procs[p].ppid, hops+1 {
			if p == root {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// procStat reads a process's parent and CPU time from /proc/<pid>/stat.
func procStat(path string) (pid, ppid int, cpu time.Duration, ok bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, false
	}
	s := string(raw)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return 0, 0, 0, false
	}
	pid, _ = strconv.Atoi(strings.TrimSpace(s[:open]))
	f := strings.Fields(s[end+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const clockTicks = 100 // USER_HZ, 100 on Linux
	return pid, ppid, time.Duration(utime+stime) * time.Second / clockTicks, true
}

// BenchmarkColdStartProvided: the first invoke of a new provided function
// (a pooled sandbox specialised, or a sandbox built when the pool is
// empty; bootstrap exec, init, one event), against fork+exec of a static
// binary that exits at once. Between iterations, untimed, it waits for the
// pool to hold a sandbox again (pooled-share: the share of cold starts
// that took one); cold-minus-warm is the first invoke less the second.
func BenchmarkColdStartProvided(b *testing.B) {
	// Idle environments are reaped after a second: kept for the default
	// 10 minutes, 200 of them would fill the node's memory budget, which
	// pools never take from functions' environments.
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--idle-timeout", "1s"}})
	c := srv.Lambda()
	code := goFunctionZip(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	static := staticBinary(b)
	var op, extra, floor latencies
	for i := range b.N {
		name := fmt.Sprintf("cold-%d", i)
		b.StopTimer()
		waitPoolAtLeast(b, srv, "provided", 1)
		createFunction(b, c, name, code)
		b.StartTimer()
		cold := invokeOnce(b, c, name, payload)
		warm := invokeOnce(b, c, name, payload)
		op = append(op, cold)
		extra = append(extra, cold-warm)
		start := time.Now()
		if err := exec.Command(static).Run(); err != nil {
			b.Fatal(err)
		}
		floor = append(floor, time.Since(start))
	}
	report(b, op, floor)
	b.ReportMetric(ms(extra.pct(0.50)), "cold-minus-warm-p50-ms")
	b.ReportMetric(ms(extra.pct(0.99)), "cold-minus-warm-p99-ms")
	b.ReportMetric(poolSample(b, srv, "gust_pooled_environments_taken_total", "provided", "")/float64(b.N), "pooled-share")
}

func staticBinary(b *testing.B) string {
	dir := b.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\nfunc main() {}\n"), 0o644)
	bin := filepath.Join(dir, "noop")
	cmd := exec.Command("go", "build", "-o", bin, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building static binary: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkAsyncAccept: Event invocations accepted (durably queued, 202)
// per second by 16 concurrent clients, against the same clients' requests
// per second to a bare HTTP server.
func BenchmarkAsyncAccept(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info"}})
	c := srv.Lambda()
	createFunction(b, c, "sink", goFunctionZip(b))
	bare := bareLambdaClient(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	invoke := func(client *lambda.Client) func() error {
		return func() error {
			_, err := client.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("sink"), InvocationType: "Event", Payload: payload})
			return err
		}
	}
	b.ResetTimer()
	gust := perSecond16(b, invoke(c))
	floor := perSecond16(b, invoke(bare))
	b.ReportMetric(gust, "accepted/s")
	b.ReportMetric(floor, "floor-req/s")
	b.ReportMetric(gust/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}

// perSecond16 runs call from 16 goroutines, b.N calls in all, and returns
// the calls per second.
func perSecond16(b *testing.B, call func() error) float64 {
	var wg sync.WaitGroup
	per := max(b.N/16, 1)
	start := time.Now()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(per*16) / time.Since(start).Seconds()
}

// BenchmarkAsyncEndToEnd: from sending an Event invoke to the function
// reporting it ran (process backend, so the function can reach the
// collector), against a warm synchronous invoke of the same function.
func BenchmarkAsyncEndToEnd(b *testing.B) {
	arrived := make(chan string, 16)
	col := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v struct{ Arg string }
		json.NewDecoder(r.Body).Decode(&v)
		arrived <- v.Arg
	}))
	b.Cleanup(col.Close)
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--log-level", "info", "--isolation", "process"}})
	c := srv.Lambda()
	createFunction(b, c, "e2e", goFunctionZip(b), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"REPORT_URL": col.URL}}
	})
	syncPayload := []byte(`{"action":"echo","arg":"x"}`)
	invokeOnce(b, c, "e2e", syncPayload)
	var op, floor latencies
	b.ResetTimer()
	for i := range b.N {
		arg := fmt.Sprint("e-", i)
		start := time.Now()
		if _, err := c.Invoke(context.Background(), &lambda.InvokeInput{FunctionName: aws.String("e2e"), InvocationType: "Event", Payload: []byte(`{"action":"report","arg":"` + arg + `"}`)}); err != nil {
			b.Fatal(err)
		}
		for got := <-arrived; got != arg; got = <-arrived {
		}
		op = append(op, time.Since(start))
		floor = append(floor, invokeOnce(b, c, "e2e", syncPayload))
	}
	report(b, op, floor)
}
