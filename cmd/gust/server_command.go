package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"gust/internal/config"
)

func serverCommand() *cobra.Command {
	cfg := config.Default()
	logLevel := "info"
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the Gust server (Lambda API, invoke, environments, embedded NATS)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags(), os.LookupEnv); err != nil {
				return err
			}
			cfg.AccessKeyID = os.Getenv("GUST_ACCESS_KEY_ID")
			cfg.SecretAccessKey = os.Getenv("GUST_SECRET_ACCESS_KEY")
			if err := cfg.Validate(); err != nil {
				return err
			}
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("log-level: %w", err)
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServer(ctx, cfg, log)
		},
	}
	// The one table of the server's settings: each flag, its default, and
	// the GUST_* variable that sets it when the flag is not given.
	f := cmd.Flags()
	for _, s := range []struct {
		env  string
		name string
		def  func(name, usage string)
		text string
	}{
		{"GUST_LISTEN", "listen", func(n, u string) { f.StringVar(&cfg.Listen, n, cfg.Listen, u) }, "API address (port 0 = random)"},
		{"GUST_DATA_DIR", "data-dir", func(n, u string) { f.StringVar(&cfg.DataDir, n, cfg.DataDir, u) }, "data directory"},
		{"GUST_NATS_URL", "nats", func(n, u string) { f.StringVar(&cfg.NATSURL, n, "", u) }, "external NATS cluster URLs; empty = embedded"},
		{"GUST_ISOLATION", "isolation", func(n, u string) { f.StringVar(&cfg.Isolation, n, cfg.Isolation, u) }, "auto, namespace or process"},
		{"GUST_OUTBOUND", "outbound", func(n, u string) { f.StringVar(&cfg.Outbound, n, cfg.Outbound, u) }, "what functions reach: gust (Gust's API at AWS_ENDPOINT_URL), full (gust and the network through NAT; namespace isolation, one such server per host, turns on IPv4 forwarding while it runs) or none"},
		{"GUST_EGRESS_CIDR", "egress-cidr", func(n, u string) { f.StringVar(&cfg.EgressCIDR, n, cfg.EgressCIDR, u) }, "with --outbound full: IPv4 range split into one /31 per environment; must hold none of the host's addresses"},
		{"GUST_REGION", "region", func(n, u string) { f.StringVar(&cfg.Region, n, cfg.Region, u) }, "region in ARNs"},
		{"GUST_PUBLIC_URL", "public-url", func(n, u string) { f.StringVar(&cfg.PublicURL, n, "", u) }, "base URL of function URLs' host form, e.g. https://lambda.example.com (wildcard DNS); empty = FunctionUrl is the path form on the listen address"},
		{"GUST_CONSOLE_URL", "console-url", func(n, u string) { f.StringVar(&cfg.ConsoleURL, n, "", u) }, "the one origin the web console is served on, e.g. https://console.example.com; function URLs are never served there; empty = the public URL if set, else http://localhost:<listen port>"},
		{"GUST_TRUST_FORWARDED_PROTO", "trust-forwarded-proto", func(n, u string) { f.BoolVar(&cfg.TrustForwardedProto, n, cfg.TrustForwardedProto, u) }, "behind a TLS proxy that sets X-Forwarded-Proto: make the console's cookie Secure when it says https"},
		{"GUST_ANY_ROLE", "any-role", func(n, u string) { f.BoolVar(&cfg.AnyRole, n, cfg.AnyRole, u) }, "single-user mode: accept any role ARN for functions; a function whose role does not exist has the account's permissions"},
		{"GUST_ACCOUNT_ID", "account-id", func(n, u string) { f.StringVar(&cfg.AccountID, n, cfg.AccountID, u) }, "account id in ARNs"},
		{"GUST_IDLE_TIMEOUT", "idle-timeout", func(n, u string) { f.DurationVar(&cfg.IdleTimeout, n, cfg.IdleTimeout, u) }, "keep-alive of an idle environment"},
		{"GUST_CONCURRENCY", "concurrency", func(n, u string) { f.IntVar(&cfg.Concurrency, n, cfg.Concurrency, u) }, "account concurrency limit, capped by node memory"},
		{"GUST_ASYNC_RETRY_DELAY", "async-retry-delay", func(n, u string) { f.DurationVar(&cfg.AsyncRetryDelay, n, cfg.AsyncRetryDelay, u) }, "wait before retrying a failed async event"},
		{"GUST_ASYNC_THROTTLE_DELAY", "async-throttle-delay", func(n, u string) { f.DurationVar(&cfg.AsyncThrottleDelay, n, cfg.AsyncThrottleDelay, u) }, "first wait after a throttled async event"},
		{"GUST_ASYNC_ACK_WAIT", "async-ack-wait", func(n, u string) { f.DurationVar(&cfg.AsyncAckWait, n, cfg.AsyncAckWait, u) }, "redelivery timeout of an interrupted async event"},
		{"GUST_RUNTIME_INTERPRETERS", "runtime-interpreter", func(n, u string) { f.StringArrayVar(&cfg.RuntimeInterpreters, n, nil, u) }, "RUNTIME=PATH: the interpreter of a Python or Node.js runtime, e.g. python3.12=/usr/local/bin/python3.12; repeatable (the variable: comma-separated)"},
		{"GUST_LOG_BUFFER", "log-buffer", func(n, u string) { f.IntVar(&cfg.LogBuffer, n, cfg.LogBuffer, u) }, "function log lines queued for the log store before lines are dropped"},
		{"GUST_METRICS_MAX_FUNCTIONS", "metrics-max-functions", func(n, u string) { f.IntVar(&cfg.MetricsMaxFunctions, n, cfg.MetricsMaxFunctions, u) }, "functions with their own /metrics label; the rest are \"other\""},
		{"GUST_PRICE_GB_SECOND", "price-gb-second", func(n, u string) { f.Float64Var(&cfg.PriceGBSecond, n, cfg.PriceGBSecond, u) }, "USD per GB-second in /gust/v1/usage"},
		{"GUST_PRICE_PER_MILLION_REQUESTS", "price-per-million-requests", func(n, u string) { f.Float64Var(&cfg.PricePerMillionRequests, n, cfg.PricePerMillionRequests, u) }, "USD per million requests in /gust/v1/usage"},
		{"GUST_POOL_MIN", "pool-min", func(n, u string) { f.IntVar(&cfg.PoolMin, n, cfg.PoolMin, u) }, "pre-started runtimes per Python and Node.js runtime without demand; 0 disables pools"},
		{"GUST_POOL_MAX", "pool-max", func(n, u string) { f.IntVar(&cfg.PoolMax, n, cfg.PoolMax, u) }, "pre-started runtimes per runtime under demand"},
		{"GUST_POOL_WINDOW", "pool-window", func(n, u string) { f.DurationVar(&cfg.PoolWindow, n, cfg.PoolWindow, u) }, "how long a cold start counts as demand for a pool"},
		{"GUST_SCHEDULE_SPEED", "schedule-speed", func(n, u string) { f.Float64Var(&cfg.ScheduleSpeed, n, cfg.ScheduleSpeed, u) }, "run the scheduler's clock this many times as fast as the wall clock (tests, demonstrations)"},
		{"GUST_LOG_LEVEL", "log-level", func(n, u string) { f.StringVar(&logLevel, n, logLevel, u) }, "debug, info, warn or error"},
	} {
		s.def(s.name, s.text)
		withEnv(f, s.name, s.env)
	}
	return cmd
}
