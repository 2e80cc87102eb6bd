package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"gust/internal/api/awsjson"
	"gust/internal/api/lambda"
	"gust/internal/api/logs"
	"gust/internal/api/sigv4"
	"gust/internal/codecache"
	"gust/internal/config"
	"gust/internal/control"
	"gust/internal/credentials"
	"gust/internal/envs"
	"gust/internal/invoke"
	"gust/internal/sandbox"
	"gust/internal/store"
	"gust/internal/telemetry/logstore"
	"gust/internal/telemetry/metering"
	"gust/internal/telemetry/metrics"
)

func serverCommand() *cobra.Command {
	cfg := config.Default()
	logLevel := "info"
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the Gust server (Lambda API, invoke, environments, embedded NATS)",
		RunE: func(cmd *cobra.Command, _ []string) error {
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
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", envOr("GUST_LISTEN", cfg.Listen), "API address (port 0 = random) [GUST_LISTEN]")
	f.StringVar(&cfg.DataDir, "data-dir", envOr("GUST_DATA_DIR", cfg.DataDir), "data directory [GUST_DATA_DIR]")
	f.StringVar(&cfg.NATSURL, "nats", envOr("GUST_NATS_URL", ""), "external NATS cluster URLs; empty = embedded [GUST_NATS_URL]")
	f.StringVar(&cfg.Isolation, "isolation", envOr("GUST_ISOLATION", cfg.Isolation), "auto, namespace or process [GUST_ISOLATION]")
	f.StringVar(&cfg.Region, "region", envOr("GUST_REGION", cfg.Region), "region in ARNs [GUST_REGION]")
	f.StringVar(&cfg.AccountID, "account-id", envOr("GUST_ACCOUNT_ID", cfg.AccountID), "account id in ARNs [GUST_ACCOUNT_ID]")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", envDuration("GUST_IDLE_TIMEOUT", cfg.IdleTimeout), "keep-alive of an idle environment [GUST_IDLE_TIMEOUT]")
	f.IntVar(&cfg.LogBuffer, "log-buffer", envInt("GUST_LOG_BUFFER", cfg.LogBuffer), "function log lines queued for the log store before lines are dropped [GUST_LOG_BUFFER]")
	f.IntVar(&cfg.MetricsMaxFunctions, "metrics-max-functions", envInt("GUST_METRICS_MAX_FUNCTIONS", cfg.MetricsMaxFunctions), "functions with their own /metrics label; the rest are \"other\" [GUST_METRICS_MAX_FUNCTIONS]")
	f.Float64Var(&cfg.PriceGBSecond, "price-gb-second", envFloat("GUST_PRICE_GB_SECOND", cfg.PriceGBSecond), "USD per GB-second in /gust/v1/usage [GUST_PRICE_GB_SECOND]")
	f.Float64Var(&cfg.PricePerMillionRequests, "price-per-million-requests", envFloat("GUST_PRICE_PER_MILLION_REQUESTS", cfg.PricePerMillionRequests), "USD per million requests in /gust/v1/usage [GUST_PRICE_PER_MILLION_REQUESTS]")
	f.StringVar(&logLevel, "log-level", envOr("GUST_LOG_LEVEL", logLevel), "debug, info, warn or error [GUST_LOG_LEVEL]")
	return cmd
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func envFloat(key string, def float64) float64 {
	if f, err := strconv.ParseFloat(os.Getenv(key), 64); err == nil {
		return f
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

// runServer wires every part, serves until ctx ends, then stops them in
// reverse order.
func runServer(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	creds := credentials.Pair{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey}
	generated := false
	if creds.AccessKeyID == "" {
		var err error
		creds, generated, err = credentials.LoadOrCreate(cfg.DataDir)
		if err != nil {
			return err
		}
	}

	st, err := store.Open(ctx, store.Options{DataDir: cfg.DataDir, NATSURL: cfg.NATSURL, Logger: log})
	if err != nil {
		return fmt.Errorf("opening store: %w", err)
	}
	defer st.Close()
	functions, err := st.Table(ctx, "functions")
	if err != nil {
		return fmt.Errorf("opening function table: %w", err)
	}
	code := codecache.New(filepath.Join(cfg.DataDir, "code"), st)
	usageJournal, err := st.Stream(ctx, "usage", store.StreamOptions{})
	if err != nil {
		return fmt.Errorf("opening usage journal: %w", err)
	}
	meter := metering.New(metering.Options{
		Journal: usageJournal,
		Prices:  metering.Prices{GBSecond: cfg.PriceGBSecond, PerMillionRequests: cfg.PricePerMillionRequests},
		Logger:  log,
	})
	defer meter.Close() // after the environments: their last invocations are metered

	backend, err := sandbox.Choose(cfg.Isolation, log)
	if err != nil {
		return err
	}
	logStore := logstore.New(st)
	logWriter := logstore.NewWriter(logstore.WriterOptions{Appender: logStore, Buffer: cfg.LogBuffer, Logger: log})
	defer logWriter.Close() // after the environments: their last lines are stored
	var sink envs.LogSink = logWriter
	if log.Enabled(ctx, slog.LevelDebug) {
		sink = teeSink{logWriter, slogSink{log}}
	}
	environments := envs.NewManager(envs.Options{Backend: backend, Logger: log, Logs: sink, IdleTimeout: cfg.IdleTimeout})
	defer environments.Close()
	prom := metrics.New(metrics.Options{Pools: environments, Logs: logWriter, MaxFunctions: cfg.MetricsMaxFunctions})

	ctl := control.New(control.Options{Functions: functions, Code: st, Warmer: code, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log})
	inv := invoke.New(invoke.Options{Functions: ctl, Code: code, Envs: environments, Region: cfg.Region, Logger: log, Observer: observers{prom, meter}})
	verifier := &sigv4.Verifier{Lookup: singleKey(creds)}
	api := lambda.New(lambda.Options{
		Control:         ctl,
		Invoker:         inv,
		Verifier:        verifier,
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey,
		Usage:           meter,
		Logger:          log,
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	mux.Handle("GET /metrics", prom.Handler()) // unauthenticated, like most exporters
	api.Register(mux)
	// JSON 1.1 services share POST /; without X-Amz-Target it is no call.
	mux.Handle("POST /{$}", awsjson.New(awsjson.Options{Verifier: verifier, Fallback: http.HandlerFunc(lambda.NotFound), Logger: log},
		logs.New(logs.Options{Store: logStore, Region: cfg.Region, AccountID: cfg.AccountID}).Service(),
	))
	mux.HandleFunc("/", lambda.NotFound)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	endpoint := "http://" + ln.Addr().String()
	log.Info("gust server ready", "endpoint", endpoint, "isolation", backend.Name(), "data_dir", cfg.DataDir)
	printWelcome(endpoint, cfg, creds, generated)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("http shutdown", "err", err)
	}
	return nil
}

func singleKey(p credentials.Pair) sigv4.Lookup {
	return func(id string) (string, bool) {
		if id == p.AccessKeyID {
			return p.SecretAccessKey, true
		}
		return "", false
	}
}

// printWelcome tells a user how to point AWS tools at this server. The
// "listening" line is also what tests read to find a random port.
func printWelcome(endpoint string, cfg config.Config, creds credentials.Pair, generated bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "Gust is listening on %s\n", endpoint)
	if generated {
		fmt.Fprintf(&b, "Generated API credentials in %s. Point AWS tools at Gust with:\n", filepath.Join(cfg.DataDir, credentials.FileName))
	} else {
		b.WriteString("Point AWS tools at Gust with:\n")
	}
	fmt.Fprintf(&b, "  export AWS_ENDPOINT_URL=%s\n  export AWS_REGION=%s\n  export AWS_ACCESS_KEY_ID=%s\n  export AWS_SECRET_ACCESS_KEY=%s\n",
		endpoint, cfg.Region, creds.AccessKeyID, creds.SecretAccessKey)
	fmt.Print(b.String())
}

// slogSink writes function output to the server log at debug level.
type slogSink struct{ log *slog.Logger }

func (s slogSink) Line(group, stream string, _ time.Time, line string) {
	s.log.Debug(line, "group", group, "stream", stream)
}

// observers tells every observer about each invocation.
type observers []invoke.Observer

func (o observers) Observe(r invoke.Record) {
	for _, ob := range o {
		ob.Observe(r)
	}
}

// teeSink hands every line to each sink.
type teeSink []envs.LogSink

func (t teeSink) Line(group, stream string, at time.Time, line string) {
	for _, s := range t {
		s.Line(group, stream, at, line)
	}
}
