package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"gust/internal/gusttest"
)

// scrapeMetrics reads /metrics (no credentials, as Prometheus would) into
// samples keyed by `name{labels}`.
func scrapeMetrics(t testing.TB, srv *gusttest.Server) map[string]float64 {
	t.Helper()
	resp, err := http.Get(srv.Endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples
}

func expectSamples(t testing.TB, samples map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		if got, ok := samples[k]; !ok || got != v {
			t.Errorf("%s = %v (present: %v), want %v", k, got, ok, v)
		}
	}
}

func TestMetricsAfterKnownInvocations(t *testing.T) {
	// One function label of its own: the second function is "other".
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--metrics-max-functions", "1"}})
	lc := srv.Lambda()
	createFunction(t, lc, "m1", goFunctionZip(t))
	createFunction(t, lc, "m2", goFunctionZip(t))

	for range 3 {
		invokeJSON(t, lc, "m1", map[string]any{"action": "echo"}, nil)
	}
	if res := invokeValue(t, lc, "m1", map[string]any{"action": "error", "arg": "counted"}); res.FunctionError == nil {
		t.Fatal("error action succeeded")
	}
	invokeJSON(t, lc, "m2", map[string]any{"action": "echo"}, nil)

	// Lines: m1 INIT_START + 4 × (START, END, REPORT) + the error line;
	// m2 INIT_START + START, END, REPORT.
	const lines = 1 + 12 + 1 + 4
	gusttest.WaitFor(t, 20*time.Second, "log lines to be stored", func() bool {
		return scrapeMetrics(t, srv)["gust_log_lines_stored_total"] == lines
	})
	s := scrapeMetrics(t, srv)
	expectSamples(t, s, map[string]float64{
		`gust_function_invocations_total{function="m1"}`:              4,
		`gust_function_errors_total{function="m1"}`:                   1,
		`gust_function_throttles_total{function="m1"}`:                0,
		`gust_function_cold_starts_total{function="m1"}`:              1,
		`gust_function_duration_seconds_count{function="m1"}`:         4,
		`gust_function_init_duration_seconds_count{function="m1"}`:    1,
		`gust_function_invocations_total{function="other"}`:           1,
		`gust_function_cold_starts_total{function="other"}`:           1,
		`gust_function_duration_seconds_count{function="other"}`:      1,
		`gust_function_init_duration_seconds_count{function="other"}`: 1,
		`gust_environments{function="m1",state="idle"}`:               1,
		`gust_environments{function="m1",state="busy"}`:               0,
		`gust_environments{function="other",state="idle"}`:            1,
		`gust_function_concurrent_executions{function="m1"}`:          0,
		`gust_log_lines_stored_total`:                                 lines,
		`gust_log_lines_dropped_total{reason="queue_full"}`:           0,
		`gust_log_lines_dropped_total{reason="store_error"}`:          0,
	})
	for k := range s {
		if strings.Contains(k, `function="m2"`) {
			t.Errorf("m2 has its own series past --metrics-max-functions 1: %s", k)
		}
	}
	if s["go_goroutines"] == 0 || s["process_resident_memory_bytes"] == 0 {
		t.Error("Go runtime or process metrics missing")
	}

	// A running invocation is a concurrent execution and a busy environment.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		invokeJSON(t, lc, "m1", map[string]any{"action": "sleep", "n": 1500}, nil)
	}()
	gusttest.WaitFor(t, 10*time.Second, "a concurrent execution", func() bool {
		s := scrapeMetrics(t, srv)
		return s[`gust_function_concurrent_executions{function="m1"}`] == 1 && s[`gust_environments{function="m1",state="busy"}`] == 1
	})
	wg.Wait()
	s = scrapeMetrics(t, srv)
	expectSamples(t, s, map[string]float64{
		`gust_function_concurrent_executions{function="m1"}`:  0,
		`gust_function_invocations_total{function="m1"}`:      5,
		`gust_function_duration_seconds_count{function="m1"}`: 5,
	})
	if sum := s[`gust_function_duration_seconds_sum{function="m1"}`]; sum < 1.5 {
		t.Errorf("duration sum %v s after a 1.5 s invocation", sum)
	}
}

type usageReport struct {
	Functions []functionUsage `json:"functions"`
	Totals    usageFigures    `json:"totals"`
}

type functionUsage struct {
	Function string `json:"function"`
	usageFigures
}

type usageFigures struct {
	Requests  int64   `json:"requests"`
	BilledMs  int64   `json:"billed_ms"`
	GBSeconds float64 `json:"gb_seconds"`
	CostUSD   float64 `json:"cost_usd"`
}

func getUsage(t testing.TB, srv *gusttest.Server, query string) usageReport {
	t.Helper()
	resp := signedRequest(t, srv, http.MethodGet, "/gust/v1/usage"+query, nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /gust/v1/usage%s: %s %s", query, resp.Status, body)
	}
	var r usageReport
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("usage %s: %v", body, err)
	}
	return r
}

// meteredCall invokes fn and returns the billed milliseconds and memory of
// its REPORT line.
func meteredCall(t testing.TB, c *lambda.Client, fn string, payload any) (billed, memoryMB int64) {
	t.Helper()
	tail := logTail(t, invokeJSON(t, c, fn, payload, nil))
	for _, line := range strings.Split(tail, "\n") {
		if strings.HasPrefix(line, "REPORT ") {
			return billedMs(t, line)
		}
	}
	t.Fatalf("no REPORT line in %q", tail)
	return 0, 0
}

func TestUsageIsExact(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	lc := srv.Lambda()
	memory := map[string]int32{"u128": 128, "u1769": 1769}
	for fn, mb := range memory {
		createFunction(t, lc, fn, goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(mb) })
	}
	type sums struct{ requests, billed, mbms int64 }
	want := map[string]*sums{"u128": {}, "u1769": {}}
	calls := []struct {
		fn string
		ms int
	}{{"u128", 30}, {"u128", 0}, {"u1769", 7}, {"u1769", 120}, {"u1769", 1}}
	for _, c := range calls {
		billed, mb := meteredCall(t, lc, c.fn, map[string]any{"action": "sleep", "n": c.ms})
		if mb != int64(memory[c.fn]) || billed < int64(c.ms) {
			t.Fatalf("%s: REPORT says %d ms at %d MB for a %d ms sleep", c.fn, billed, mb, c.ms)
		}
		w := want[c.fn]
		w.requests++
		w.billed += billed
		w.mbms += billed * mb
	}
	figures := func(s sums) usageFigures {
		gbs := float64(s.mbms) / (1024 * 1000)
		return usageFigures{Requests: s.requests, BilledMs: s.billed, GBSeconds: gbs, CostUSD: gbs*0.0000166667 + float64(s.requests)*0.20/1e6}
	}
	var total sums
	for _, s := range want {
		total.requests += s.requests
		total.billed += s.billed
		total.mbms += s.mbms
	}
	check := func(when string, r usageReport) {
		t.Helper()
		if len(r.Functions) != 2 || r.Functions[0].Function != "u128" || r.Functions[1].Function != "u1769" {
			t.Fatalf("%s: functions %+v", when, r.Functions)
		}
		for _, f := range r.Functions {
			if w := figures(*want[f.Function]); f.usageFigures != w {
				t.Errorf("%s: %s = %+v, want %+v", when, f.Function, f.usageFigures, w)
			}
		}
		if w := figures(total); r.Totals != w {
			t.Errorf("%s: totals = %+v, want %+v", when, r.Totals, w)
		}
	}
	check("right away", getUsage(t, srv, ""))
	hourAgo := time.Now().Add(-time.Hour)
	check("since an hour ago (Unix seconds)", getUsage(t, srv, fmt.Sprintf("?start=%d", hourAgo.Unix())))
	check("an RFC 3339 range", getUsage(t, srv, "?start="+hourAgo.UTC().Format(time.RFC3339)+"&end="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339)))
	if r := getUsage(t, srv, fmt.Sprintf("?start=%d", time.Now().Add(2*time.Minute).Unix())); len(r.Functions) != 0 || r.Totals.Requests != 0 {
		t.Errorf("usage of the future: %+v", r)
	}

	// Usage survives a restart.
	srv.Restart()
	check("after a restart", getUsage(t, srv, ""))

	// Errors: a bad time, no signature.
	resp := signedRequest(t, srv, http.MethodGet, "/gust/v1/usage?start=yesterday", nil)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "InvalidParameterValueException" {
		t.Errorf("bad start: %s %s", resp.Status, resp.Header.Get("X-Amzn-ErrorType"))
	}
	unsigned, err := http.Get(srv.Endpoint + "/gust/v1/usage")
	if err != nil {
		t.Fatal(err)
	}
	unsigned.Body.Close()
	if unsigned.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned usage request: %s", unsigned.Status)
	}
}

// The price table comes from the server's flags.
func TestUsagePriceFlags(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--price-gb-second", "0.5", "--price-per-million-requests", "3"}})
	lc := srv.Lambda()
	createFunction(t, lc, "priced", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(2048) })
	billed, _ := meteredCall(t, lc, "priced", map[string]any{"action": "sleep", "n": 10})
	gbs := float64(billed*2048) / (1024 * 1000)
	r := getUsage(t, srv, "")
	if want := (usageFigures{Requests: 1, BilledMs: billed, GBSeconds: gbs, CostUSD: gbs*0.5 + 3/1e6}); r.Totals != want {
		t.Errorf("totals = %+v, want %+v", r.Totals, want)
	}
}
