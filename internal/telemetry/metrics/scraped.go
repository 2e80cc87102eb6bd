package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scraped collects the values read at scrape time: environment pools and
// log line counters.
type scraped struct {
	m      *Metrics
	envs   Environments
	logs   LogStats
	queues Queues
}

var (
	concurrentDesc = prometheus.NewDesc("gust_function_concurrent_executions",
		"Execution environments of the function starting or running an invocation on this node (Lambda's ConcurrentExecutions).",
		[]string{"function"}, nil)
	environmentsDesc = prometheus.NewDesc("gust_environments",
		"Execution environments on this node by function and state (idle: warm and waiting; busy: starting or invoking).",
		[]string{"function", "state"}, nil)
	pooledDesc = prometheus.NewDesc("gust_pooled_environments",
		"Pre-started runtimes on this node not yet given to a function, by runtime and state (idle: waiting; starting).",
		[]string{"runtime", "state"}, nil)
	pooledTakenDesc = prometheus.NewDesc("gust_pooled_environments_taken_total",
		"Cold starts served by a pre-started runtime of the pool, by runtime.",
		[]string{"runtime"}, nil)
	logStoredDesc = prometheus.NewDesc("gust_log_lines_stored_total",
		"Function log lines stored in the log store.", nil, nil)
	logDroppedDesc = prometheus.NewDesc("gust_log_lines_dropped_total",
		"Function log lines lost: queue_full when the log store could not keep up, store_error when it failed.",
		[]string{"reason"}, nil)
)

func (s *scraped) Describe(ch chan<- *prometheus.Desc) {
	ch <- concurrentDesc
	ch <- environmentsDesc
	ch <- pooledDesc
	ch <- pooledTakenDesc
	ch <- logStoredDesc
	ch <- logDroppedDesc
	ch <- queueMessagesDesc
	ch <- queueOldestDesc
}

var (
	queueMessagesDesc = prometheus.NewDesc("gust_sqs_messages",
		"Messages of an SQS queue by state: visible (ApproximateNumberOfMessages), in_flight (received, not deleted) and delayed.",
		[]string{"queue", "state"}, nil)
	queueOldestDesc = prometheus.NewDesc("gust_sqs_oldest_message_age_seconds",
		"Age of the oldest message an SQS queue holds (Lambda's ApproximateAgeOfOldestMessage); 0 when empty.",
		[]string{"queue"}, nil)
)

// collectQueues reads every queue's counts, bounded in time.
func (s *scraped) collectQueues(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, d := range s.queues.Depths(ctx) {
		ch <- prometheus.MustNewConstMetric(queueMessagesDesc, prometheus.GaugeValue, float64(d.Visible), d.Name, "visible")
		ch <- prometheus.MustNewConstMetric(queueMessagesDesc, prometheus.GaugeValue, float64(d.InFlight), d.Name, "in_flight")
		ch <- prometheus.MustNewConstMetric(queueMessagesDesc, prometheus.GaugeValue, float64(d.Delayed), d.Name, "delayed")
		age := 0.0
		if !d.Oldest.IsZero() {
			age = max(time.Since(d.Oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(queueOldestDesc, prometheus.GaugeValue, age, d.Name)
	}
}

func (s *scraped) Collect(ch chan<- prometheus.Metric) {
	if s.queues != nil {
		s.collectQueues(ch)
	}
	if s.envs != nil {
		type counts struct{ idle, busy int }
		byLabel := map[string]*counts{}
		var order []string
		s.m.mu.Lock()
		for _, p := range s.envs.Environments() {
			l := s.m.label(p.Function)
			if byLabel[l] == nil {
				byLabel[l] = &counts{}
				order = append(order, l)
			}
			byLabel[l].idle += p.Idle
			byLabel[l].busy += p.Busy
		}
		s.m.mu.Unlock()
		for _, l := range order {
			c := byLabel[l]
			ch <- prometheus.MustNewConstMetric(concurrentDesc, prometheus.GaugeValue, float64(c.busy), l)
			ch <- prometheus.MustNewConstMetric(environmentsDesc, prometheus.GaugeValue, float64(c.idle), l, "idle")
			ch <- prometheus.MustNewConstMetric(environmentsDesc, prometheus.GaugeValue, float64(c.busy), l, "busy")
		}
	}
	if rp, ok := s.envs.(RuntimePools); ok {
		for _, p := range rp.RuntimePools() {
			ch <- prometheus.MustNewConstMetric(pooledDesc, prometheus.GaugeValue, float64(p.Idle), p.Runtime, "idle")
			ch <- prometheus.MustNewConstMetric(pooledDesc, prometheus.GaugeValue, float64(p.Starting), p.Runtime, "starting")
			ch <- prometheus.MustNewConstMetric(pooledTakenDesc, prometheus.CounterValue, float64(p.Taken), p.Runtime)
		}
	}
	if s.logs != nil {
		st := s.logs.Stats()
		ch <- prometheus.MustNewConstMetric(logStoredDesc, prometheus.CounterValue, float64(st.Stored))
		ch <- prometheus.MustNewConstMetric(logDroppedDesc, prometheus.CounterValue, float64(st.Dropped), "queue_full")
		ch <- prometheus.MustNewConstMetric(logDroppedDesc, prometheus.CounterValue, float64(st.Failed), "store_error")
	}
}
