package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gust/internal/egress"
	"gust/internal/runtimes"
)

// Config is everything a gust server needs to start.
type Config struct {
	// Listen is the API address (Lambda API, invoke, health). Port 0 picks a
	// random port. Default 127.0.0.1:9000.
	Listen string
	// DataDir holds the embedded JetStream store, the code cache and the
	// generated credentials. Default ./gust-data.
	DataDir string
	// NATSURL, when set, uses an external NATS cluster instead of the
	// embedded server.
	NATSURL string
	// Isolation is auto, namespace or process.
	Isolation string
	// Outbound is what functions' network reaches: "gust" (default: Gust's
	// API inside each namespace environment, the real listener with the
	// process backend), "full" (gust, and the network through NAT: a veth
	// pair per environment; namespace isolation only, one such server per
	// host, turns on IPv4 forwarding while it runs) or "none".
	Outbound string
	// EgressCIDR is the IPv4 range full outbound splits into one /31 per
	// environment. Default 100.64.0.0/16.
	EgressCIDR string
	// Region and AccountID appear in every ARN. Defaults us-east-1 and
	// 000000000000.
	Region    string
	AccountID string
	// PublicURL is the base URL function URLs are built on:
	// http://<url-id>.lambda-url.<region>.<host of PublicURL>[:port]/. Empty
	// means FunctionUrl is the path form on the listen address (the host
	// form under localhost is served too, but glibc does not resolve it).
	PublicURL string
	// ConsoleURL is the one origin (http(s)://host[:port]) the web console
	// is served on; the path form of function URLs is refused there, so no
	// function's page is ever same-origin with the console. Empty means
	// PublicURL when that is set, else http://localhost:<listen port>
	// (the API and the path form stay on the listen address).
	ConsoleURL string
	// TrustForwardedProto makes the console's session cookie Secure when
	// X-Forwarded-Proto: https arrives; set it only behind a proxy that
	// sets or strips that header.
	TrustForwardedProto bool
	// AnyRole accepts any well-formed role ARN as a function's execution
	// role, for a single-user setup: a function whose role does not exist
	// acts with the account's own permissions. Off (default), as on AWS,
	// the role must exist and trust lambda.amazonaws.com, and a function
	// can do what its role's policies allow.
	AnyRole bool
	// AccessKeyID and SecretAccessKey are the API credentials; when both are
	// empty the server generates and stores a pair on first start.
	AccessKeyID     string
	SecretAccessKey string
	// IdleTimeout is how long a warm environment waits for its next
	// invocation before it is shut down. Default 10 minutes.
	IdleTimeout time.Duration
	// Concurrency is the account concurrency limit (AWS's default 1000);
	// the server lowers it to what the node's memory holds.
	Concurrency int
	// AsyncRetryDelay is the wait before the first retry of an
	// asynchronous event whose function failed (the second waits twice as
	// long). Lambda's, and the default: 1 minute.
	AsyncRetryDelay time.Duration
	// AsyncThrottleDelay is the first wait after a throttle or system
	// error, doubling up to 5 minutes. Default 1 second.
	AsyncThrottleDelay time.Duration
	// AsyncAckWait is how soon an event whose delivery stopped (a crash)
	// is handed out again. Default 30 seconds.
	AsyncAckWait time.Duration
	// RuntimeInterpreters name the interpreter of Python and Node.js
	// runtimes, each "RUNTIME=PATH" (python3.12=/usr/local/bin/python3.12),
	// instead of searching the host. PATH must be under a directory that
	// sandboxes show (/usr, /bin, /sbin, /lib, /lib64).
	RuntimeInterpreters []string
	// LogBuffer is how many function log lines may wait for the log store
	// before new ones are dropped (and counted). Default 16384.
	LogBuffer int
	// MetricsMaxFunctions bounds the function label of /metrics: functions
	// past it are counted as "other". Default 500.
	MetricsMaxFunctions int
	// PriceGBSecond and PricePerMillionRequests price metered usage, in
	// US dollars. Defaults: AWS Lambda's x86 price in us-east-1,
	// 0.0000166667 and 0.20.
	PriceGBSecond           float64
	PricePerMillionRequests float64
	// PoolMin is how many pre-started runtimes each Python and Node.js
	// runtime keeps without demand (0 disables pools; default 1);
	// PoolMax caps a pool under demand (default 8). PoolWindow is how
	// long a cold start counts as demand (default 30 s). Pools need
	// namespace isolation.
	PoolMin, PoolMax int
	PoolWindow       time.Duration
	// ScheduleSpeed makes the scheduler's clock run that many times as
	// fast as the wall clock (default 1), so that tests and demonstrations
	// see minute schedules fire within seconds. Nothing else is sped up.
	ScheduleSpeed float64
}

// Default returns the documented defaults.
func Default() Config {
	return Config{
		Listen:      "127.0.0.1:9000",
		DataDir:     "gust-data",
		Isolation:   "auto",
		Outbound:    "gust",
		EgressCIDR:  egress.DefaultCIDR.String(),
		Region:      "us-east-1",
		AccountID:   "000000000000",
		IdleTimeout: 10 * time.Minute,
		Concurrency: 1000,

		AsyncRetryDelay:    time.Minute,
		AsyncThrottleDelay: time.Second,
		AsyncAckWait:       30 * time.Second,
		LogBuffer:          16384,

		MetricsMaxFunctions:     500,
		PriceGBSecond:           0.0000166667,
		PricePerMillionRequests: 0.20,

		PoolMin:    1,
		PoolMax:    8,
		PoolWindow: 30 * time.Second,

		ScheduleSpeed: 1,
	}
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: %w", c.Listen, err))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir must not be empty"))
	}
	switch c.Outbound {
	case "none", "gust", "full":
	default:
		errs = append(errs, fmt.Errorf("outbound %q: must be gust, full or none", c.Outbound))
	}
	if p, err := netip.ParsePrefix(c.EgressCIDR); err != nil {
		errs = append(errs, fmt.Errorf("egress-cidr %q: %w", c.EgressCIDR, err))
	} else if err := egress.CheckCIDR(p); err != nil {
		errs = append(errs, fmt.Errorf("egress-cidr: %w", err))
	}
	switch c.Isolation {
	case "auto", "namespace", "process":
	default:
		errs = append(errs, fmt.Errorf("isolation %q: must be auto, namespace or process", c.Isolation))
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("public-url %q: want http(s)://host[:port]", c.PublicURL))
		}
	}
	if c.ConsoleURL != "" {
		if u, err := url.Parse(c.ConsoleURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("console-url %q: want http(s)://host[:port]", c.ConsoleURL))
		} else if strings.Contains(strings.ToLower(u.Hostname()), ".lambda-url.") {
			errs = append(errs, fmt.Errorf("console-url %q: a function URL's host name cannot be the console's", c.ConsoleURL))
		}
	}
	if !regionPattern.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region %q: not an AWS region name", c.Region))
	}
	if !accountPattern.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account-id %q: must be 12 digits", c.AccountID))
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		errs = append(errs, errors.New("set both GUST_ACCESS_KEY_ID and GUST_SECRET_ACCESS_KEY, or neither"))
	}
	if c.Concurrency < 100 {
		errs = append(errs, errors.New("concurrency must be at least 100, the unreserved minimum"))
	}
	if c.IdleTimeout <= 0 {
		errs = append(errs, errors.New("idle timeout must be positive"))
	}
	if c.AsyncRetryDelay <= 0 || c.AsyncThrottleDelay <= 0 || c.AsyncAckWait < time.Second {
		errs = append(errs, errors.New("async delays must be positive and the ack wait at least 1s"))
	}
	if _, err := runtimes.ParseInterpreters(c.RuntimeInterpreters); err != nil {
		errs = append(errs, err)
	}
	if c.LogBuffer <= 0 {
		errs = append(errs, errors.New("log buffer must be positive"))
	}
	if c.MetricsMaxFunctions <= 0 {
		errs = append(errs, errors.New("metrics max functions must be positive"))
	}
	if c.ScheduleSpeed < 1 || c.ScheduleSpeed > 3600 {
		errs = append(errs, fmt.Errorf("schedule speed %v: must be from 1 to 3600", c.ScheduleSpeed))
	}
	if c.PoolMin < 0 || c.PoolMax < c.PoolMin || c.PoolWindow <= 0 {
		errs = append(errs, errors.New("pools: want 0 <= pool-min <= pool-max and a positive pool-window"))
	}
	if c.PriceGBSecond < 0 || c.PricePerMillionRequests < 0 {
		errs = append(errs, errors.New("prices must not be negative"))
	}
	return errors.Join(errs...)
}
