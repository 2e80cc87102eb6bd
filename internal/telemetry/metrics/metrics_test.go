package metrics_test

import (
	"bufio"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"gust/internal/envs"
	"gust/internal/invoke"
	"gust/internal/telemetry/logstore"
	"gust/internal/telemetry/metrics"
)

type pools []envs.FunctionEnvironments

func (p pools) Environments() []envs.FunctionEnvironments { return p }

type logStats logstore.Stats

func (l logStats) Stats() logstore.Stats { return logstore.Stats(l) }

// scrape returns every sample of the text exposition, keyed by
// `name{labels}`.
func scrape(t *testing.T, m *metrics.Metrics) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(rec.Body)
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

func expect(t *testing.T, samples map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		if got, ok := samples[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
}

func TestObserve(t *testing.T) {
	m := metrics.New(metrics.Options{
		Environments: pools{{Function: "fn", Idle: 2, Busy: 1}},
		Logs:         logStats{Stored: 40, Dropped: 3, Failed: 1},
	})
	m.Observe(invoke.Record{Function: "fn", Duration: 3 * time.Millisecond, InitDuration: 40 * time.Millisecond})
	m.Observe(invoke.Record{Function: "fn", Duration: 20 * time.Millisecond})
	m.Observe(invoke.Record{Function: "fn", Duration: 2 * time.Second, ErrorType: "Sandbox.Timedout"})
	m.Observe(invoke.Record{Function: "fn", Throttled: true})
	s := scrape(t, m)
	expect(t, s, map[string]float64{
		`gust_function_invocations_total{function="fn"}`:                      3,
		`gust_function_errors_total{function="fn"}`:                           1,
		`gust_function_throttles_total{function="fn"}`:                        1,
		`gust_function_cold_starts_total{function="fn"}`:                      1,
		`gust_function_duration_seconds_count{function="fn"}`:                 3,
		`gust_function_duration_seconds_sum{function="fn"}`:                   2.023,
		`gust_function_duration_seconds_bucket{function="fn",le="0.005"}`:     1,
		`gust_function_duration_seconds_bucket{function="fn",le="0.025"}`:     2,
		`gust_function_duration_seconds_bucket{function="fn",le="+Inf"}`:      3,
		`gust_function_init_duration_seconds_count{function="fn"}`:            1,
		`gust_function_init_duration_seconds_bucket{function="fn",le="0.05"}`: 1,
		`gust_function_concurrent_executions{function="fn"}`:                  1,
		`gust_environments{function="fn",state="idle"}`:                       2,
		`gust_environments{function="fn",state="busy"}`:                       1,
		`gust_log_lines_stored_total`:                                         40,
		`gust_log_lines_dropped_total{reason="queue_full"}`:                   3,
		`gust_log_lines_dropped_total{reason="store_error"}`:                  1,
	})
	if _, ok := s["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
	if _, ok := s["process_resident_memory_bytes"]; !ok {
		t.Error("no process metrics")
	}
}

// Functions past MaxFunctions share the label "other".
func TestFunctionLabelsAreBounded(t *testing.T) {
	m := metrics.New(metrics.Options{MaxFunctions: 2, Environments: pools{{Function: "a", Idle: 1}, {Function: "c", Idle: 1}, {Function: "d", Busy: 2}}})
	for _, fn := range []string{"a", "b", "c", "d", "a", "c"} {
		m.Observe(invoke.Record{Function: fn, Duration: time.Millisecond})
	}
	s := scrape(t, m)
	expect(t, s, map[string]float64{
		`gust_function_invocations_total{function="a"}`:     2,
		`gust_function_invocations_total{function="b"}`:     1,
		`gust_function_invocations_total{function="other"}`: 3,
		`gust_environments{function="other",state="idle"}`:  1,
		`gust_environments{function="other",state="busy"}`:  2,
		`gust_environments{function="a",state="idle"}`:      1,
	})
	for k := range s {
		if strings.Contains(k, `function="c"`) || strings.Contains(k, `function="d"`) {
			t.Errorf("unbounded label: %s", k)
		}
	}
}

func TestMessagesCountsPerResourceWithABound(t *testing.T) {
	m := metrics.New(metrics.Options{MaxFunctions: 2})
	sns := m.Messages("sns", "topic", "SNS messages.")
	for _, topic := range []string{"a", "b", "c", "a"} {
		sns.Count(topic, "published")
	}
	sns.Count("a", "delivered")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`gust_sns_messages_total{event="published",topic="a"} 2`,
		`gust_sns_messages_total{event="published",topic="b"} 1`,
		`gust_sns_messages_total{event="published",topic="other"} 1`,
		`gust_sns_messages_total{event="delivered",topic="a"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in\n%s", want, body)
		}
	}
}
