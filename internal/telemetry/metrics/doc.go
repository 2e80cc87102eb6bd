// Package metrics exports Gust's Prometheus metrics at /metrics: per
// function invocations, errors, throttles, cold starts, a duration and an
// init-duration histogram (from invoke's Records), concurrent executions
// and idle/busy environments (read from the environment manager when
// scraped), the function log lines stored and dropped, and the Go runtime
// and process collectors. Names and meanings follow Lambda's CloudWatch
// metrics where there is one (Invocations, Errors, Throttles, Duration,
// ConcurrentExecutions).
//
// The function label is bounded: the first MaxFunctions distinct functions
// get their own series and any further one is counted under "other", so a
// deployment with many functions cannot blow up Prometheus. Series are
// never removed (counters of a deleted function stay, as Prometheus
// expects).
//
// It uses its own registry (no global state) and serves it without
// authentication, like most exporters. Messaging services count their
// messages per topic or bus with Messages. Metrics of features that do not
// exist yet — asynchronous queue depth and age, provisioned concurrency —
// are not exported rather than faked; they come with those features.
package metrics
