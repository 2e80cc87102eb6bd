package metrics

import (
	"context"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gust/internal/envs"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/telemetry/logstore"
)

// Environments reports environments per function; envs.Manager implements
// it.
type Environments interface {
	Environments() []envs.FunctionEnvironments
}

// RuntimePools is an optional capability of Environments: the pools of
// pre-started runtimes; envs.Manager implements it.
type RuntimePools interface {
	RuntimePools() []envs.RuntimePool
}

// LogStats reports the log writer's counters; logstore.Writer implements it.
type LogStats interface {
	Stats() logstore.Stats
}

// Queues reports SQS queues' counts; queues.Service implements it.
type Queues interface {
	Depths(ctx context.Context) []queues.NamedDepth
}

// Options wires Metrics.
type Options struct {
	Environments Environments // optional
	Logs         LogStats     // optional
	Queues       Queues       // optional
	// MaxFunctions bounds the distinct values of the function label;
	// default DefaultMaxFunctions.
	MaxFunctions int
}

// DefaultMaxFunctions is the default bound on function labels.
const DefaultMaxFunctions = 500

// Other is the function label of every function past MaxFunctions.
const Other = "other"

// Metrics is an invoke.Observer and the /metrics handler.
type Metrics struct {
	reg *prometheus.Registry
	max int

	invocations, errors, throttles, coldStarts *prometheus.CounterVec
	duration, initDuration                     *prometheus.HistogramVec

	mu       sync.Mutex
	admitted map[string]bool    // functions with a label of their own
	series   map[string]*series // by function label
}

// series holds one function label's resolved metrics, so that Observe
// costs one map lookup.
type series struct {
	invocations, errors, throttles, coldStarts prometheus.Counter
	duration, initDuration                     prometheus.Observer
}

// New builds the registry.
func New(o Options) *Metrics {
	if o.MaxFunctions <= 0 {
		o.MaxFunctions = DefaultMaxFunctions
	}
	fn := []string{"function"}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "gust", Subsystem: "function", Name: name, Help: help}, fn)
	}
	m := &Metrics{
		reg:         prometheus.NewRegistry(),
		max:         o.MaxFunctions,
		admitted:    map[string]bool{},
		series:      map[string]*series{},
		invocations: counter("invocations_total", "Invocations that ran (Lambda's Invocations metric: throttled requests excluded)."),
		errors:      counter("errors_total", "Invocations that ended in a function error, timeout or crash."),
		throttles:   counter("throttles_total", "Invocation requests refused by a concurrency limit."),
		coldStarts:  counter("cold_starts_total", "Invocations that started a new execution environment."),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "gust", Subsystem: "function", Name: "duration_seconds",
			Help:    "Time the handler ran per invocation, as in the REPORT line's Duration.",
			Buckets: []float64{.00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, fn),
		initDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "gust", Subsystem: "function", Name: "init_duration_seconds",
			Help:    "Init phase of new execution environments (cold starts).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, fn),
	}
	m.reg.MustRegister(m.invocations, m.errors, m.throttles, m.coldStarts, m.duration, m.initDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&scraped{m: m, envs: o.Environments, logs: o.Logs, queues: o.Queues})
	return m
}

// label bounds the function label: the first max functions seen keep
// their name, later ones are Other. m.mu is held.
func (m *Metrics) label(function string) string {
	if !m.admitted[function] {
		if len(m.admitted) >= m.max {
			return Other
		}
		m.admitted[function] = true
	}
	return function
}

func (m *Metrics) seriesFor(function string) *series {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.label(function)
	s := m.series[l]
	if s == nil {
		s = &series{
			invocations:  m.invocations.WithLabelValues(l),
			errors:       m.errors.WithLabelValues(l),
			throttles:    m.throttles.WithLabelValues(l),
			coldStarts:   m.coldStarts.WithLabelValues(l),
			duration:     m.duration.WithLabelValues(l),
			initDuration: m.initDuration.WithLabelValues(l),
		}
		m.series[l] = s
	}
	return s
}

// Observe counts one invocation; it implements invoke.Observer.
func (m *Metrics) Observe(r invoke.Record) {
	s := m.seriesFor(r.Function)
	if r.Throttled {
		s.throttles.Inc()
		return
	}
	s.invocations.Inc()
	if r.ErrorType != "" {
		s.errors.Inc()
	}
	s.duration.Observe(r.Duration.Seconds())
	if r.InitDuration > 0 {
		s.coldStarts.Inc()
		s.initDuration.Observe(r.InitDuration.Seconds())
	}
}

// Handler serves the registry in Prometheus's formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
