//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gust/internal/api/apigatewayv2"
	"gust/internal/api/awsjson"
	"gust/internal/api/awsquery"
	"gust/internal/api/events"
	"gust/internal/api/front"
	iamapi "gust/internal/api/iam"
	"gust/internal/api/lambda"
	"gust/internal/api/logs"
	"gust/internal/api/s3"
	"gust/internal/api/sigv4"
	"gust/internal/api/sns"
	sqsapi "gust/internal/api/sqs"
	stsapi "gust/internal/api/sts"
	"gust/internal/apierror"
	"gust/internal/async"
	"gust/internal/authz"
	"gust/internal/buses"
	"gust/internal/codecache"
	"gust/internal/config"
	"gust/internal/console"
	"gust/internal/control"
	"gust/internal/credentials"
	"gust/internal/egress"
	"gust/internal/envs"
	"gust/internal/furl"
	"gust/internal/httpapi"
	"gust/internal/iam"
	"gust/internal/insideapi"
	"gust/internal/invoke"
	"gust/internal/keepalive"
	"gust/internal/layers"
	"gust/internal/mappings"
	"gust/internal/nodemem"
	"gust/internal/objects"
	"gust/internal/origin"
	"gust/internal/queues"
	"gust/internal/rules"
	"gust/internal/runtimes"
	"gust/internal/s3notify"
	"gust/internal/sandbox"
	"gust/internal/store"
	"gust/internal/telemetry/logstore"
	"gust/internal/telemetry/metering"
	"gust/internal/telemetry/metrics"
	"gust/internal/topics"
)

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

	// Listening first gives the endpoint that functions are told; requests
	// wait in the backlog until Serve.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	defer ln.Close()
	endpoint := "http://" + ln.Addr().String()
	publicBase, err := publicURL(cfg.PublicURL, ln.Addr())
	if err != nil {
		return err
	}
	consoleOrigin, pathBase, err := webOrigins(cfg, ln.Addr())
	if err != nil {
		return err
	}

	catalogue, err := openRuntimes(ctx, cfg, log)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{DataDir: cfg.DataDir, NATSURL: cfg.NATSURL, Logger: log})
	if err != nil {
		return fmt.Errorf("opening store: %w", err)
	}
	defer st.Close()
	// Function, version, alias and async settings are read on every
	// invocation: cached in memory, kept current by KV watches.
	tables := map[string]*store.CachedTable{}
	for _, name := range []string{"functions", "versions", "aliases", "eventconfigs", "provisioned", "settings", "urls", "rules", "policies", "codesigning"} {
		t, err := st.Table(ctx, name)
		if err != nil {
			return fmt.Errorf("opening table %s: %w", name, err)
		}
		if tables[name], err = t.Cached(ctx); err != nil {
			return fmt.Errorf("caching table %s: %w", name, err)
		}
	}
	// IAM and STS: the account's users, roles, policies and sessions, and
	// the evaluator every service asks (authorizer, below). Functions'
	// credentials are sessions of their execution roles.
	iamTables, err := iam.OpenTables(ctx, st)
	if err != nil {
		return err
	}
	var ctl *control.Service
	identity, err := iam.New(ctx, iam.Options{
		Tables: iamTables, AccountID: cfg.AccountID, Region: cfg.Region, RootAccessKeyID: creds.AccessKeyID,
		Secret: creds.SecretAccessKey, AnyRole: cfg.AnyRole, Logger: log,
		Functions: func(ctx context.Context, name string) (bool, error) {
			_, err := ctl.Get(ctx, name, "")
			var e *apierror.Error
			if errors.As(err, &e) && e.Status() == http.StatusNotFound {
				return false, nil
			}
			return err == nil, err
		},
	})
	if err != nil {
		return fmt.Errorf("starting IAM: %w", err)
	}
	fnCreds := func(ctx context.Context, function, role string) (insideapi.Pair, error) {
		c, err := identity.FunctionCredentials(ctx, function, role)
		return insideapi.Pair{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}, err
	}

	queue, err := st.Queue(ctx, "async", store.QueueOptions{AckWait: cfg.AsyncAckWait})
	if err != nil {
		return err
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

	isolated, err := chooseBackend(cfg.Isolation, log)
	if err != nil {
		return err
	}
	poolDir := filepath.Join(cfg.DataDir, "pool")
	if sweeper, ok := isolated.(sandbox.LeftoverSweeper); ok {
		// A killed server's pooled sandboxes left mounts there.
		if err := sweeper.SweepLeftovers(poolDir); err != nil {
			log.Warn("clearing leftover pooled sandboxes", "err", err)
		}
	}
	// Functions call Gust with credentials of their own, at an endpoint
	// served inside their namespace; routes are added to mux below, and
	// apiHandler becomes the front door in front of it.
	mux := http.NewServeMux()
	apiHandler := &lateHandler{}
	var attachments []sandbox.Attachment // what every environment gets beyond its sandbox
	switch {
	case cfg.Outbound == insideapi.OutboundNone && !isolated.Isolation().OwnNetwork:
		log.Warn("outbound none is not enforced with the process backend: functions share the host's network")
	case cfg.Outbound == insideapi.OutboundFull && !isolated.Isolation().OwnNetwork:
		log.Warn("outbound full is not isolated with the process backend: functions share the host's network, its own services included")
	case cfg.Outbound == insideapi.OutboundFull:
		cidr, err := netip.ParsePrefix(cfg.EgressCIDR)
		if err != nil {
			return fmt.Errorf("egress-cidr: %w", err)
		}
		gateway, err := egress.Open(egress.Options{CIDR: cidr, Logger: log})
		if err != nil {
			return err
		}
		defer func() { // after the environments, whose links it backs up
			if err := gateway.Close(); err != nil {
				log.Warn("closing egress", "err", err)
			}
		}()
		attachments = append(attachments, egress.NewAttachment(gateway))
	}
	inside := insideapi.Options{Isolation: isolated.Isolation(), Credentials: fnCreds, Logger: log}
	if cfg.Outbound != insideapi.OutboundNone { // gust, and full = gust + the network
		inside.Handler, inside.Endpoint = apiHandler, endpoint
	}
	fnAPI := insideapi.New(inside)
	attachments = append(attachments, fnAPI.Attachments()...)
	logStore := logstore.New(st)
	logWriter := logstore.NewWriter(logstore.WriterOptions{Appender: logStore, Buffer: cfg.LogBuffer, Logger: log})
	defer logWriter.Close() // after the environments: their last lines are stored
	var sink envs.LogSink = logWriter
	if log.Enabled(ctx, slog.LevelDebug) {
		sink = teeSink{logWriter, slogSink{log}}
	}
	budgetMB := nodemem.MB("/") * 9 / 10
	// The account limit never promises more environments than the node's
	// memory holds at the smallest MemorySize.
	concurrency := min(cfg.Concurrency, max(budgetMB/control.MinMemoryMB, control.MinUnreserved))
	if concurrency < cfg.Concurrency {
		log.Info("account concurrency limited by node memory", "limit", concurrency, "memory_budget_mb", budgetMB)
	}
	var pools envs.PoolOptions
	if _, ok := isolated.(sandbox.Pooler); cfg.PoolMin > 0 && ok {
		pools = envs.PoolOptions{Dir: poolDir, Runtimes: runtimes.IDs(), Min: cfg.PoolMin, Max: cfg.PoolMax, Window: cfg.PoolWindow}
	}
	environments := envs.NewManager(envs.Options{
		Backend: isolated, Attachments: attachments, Runtimes: catalogue, Logger: log, Logs: sink, IdleTimeout: cfg.IdleTimeout, MemoryBudgetMB: budgetMB,
		KeepAlive: keepalive.New(keepalive.Options{Default: cfg.IdleTimeout}),
		Pool:      pools,
	})
	defer environments.Close()
	// Environments: a deleted function's idle environments go at once, on
	// every node (the watch sees other nodes' deletes too).
	if err := tables["functions"].Watch(ctx, func(name string, deleted bool) {
		if deleted {
			environments.Forget(name)
		}
	}); err != nil {
		return err
	}
	// SQS: queues on JetStream lease streams, configuration in KV; the wire
	// speaks JSON 1.0 and query/XML.
	queueTable, err := st.Table(ctx, "queues")
	if err != nil {
		return fmt.Errorf("opening table queues: %w", err)
	}
	queueConfigs, err := queueTable.Cached(ctx)
	if err != nil {
		return fmt.Errorf("caching table queues: %w", err)
	}
	queueService := queues.New(queues.Options{Store: st, Queues: queueConfigs, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log})
	defer queueService.Close()
	prom := metrics.New(metrics.Options{Environments: environments, Logs: logWriter, Queues: queueService, MaxFunctions: cfg.MetricsMaxFunctions})

	var inv *invoke.Service
	// S3: buckets and objects in JetStream (records in KV, bytes in the
	// blob store), routed by credential scope and by virtual host.
	s3Tables := map[string]*store.Table{}
	for _, name := range []string{"s3buckets", "s3objects", "s3uploads"} {
		if s3Tables[name], err = st.Table(ctx, name); err != nil {
			return fmt.Errorf("opening table %s: %w", name, err)
		}
	}
	s3Events, err := st.Queue(ctx, "s3events", store.QueueOptions{AckWait: cfg.AsyncAckWait})
	if err != nil {
		return err
	}
	s3Notifier := s3notify.New(s3notify.Options{Queue: s3Events, Invoker: invokerFunc(func(ctx context.Context, r invoke.Request) (invoke.Response, error) { return inv.Invoke(ctx, r) }), Region: cfg.Region, Logger: log})
	objectService := objects.New(objects.Options{
		Blobs: st, Buckets: s3Tables["s3buckets"], Objects: s3Tables["s3objects"], Uploads: s3Tables["s3uploads"],
		Notifier: s3Notifier, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log,
	})
	s3Notifier.BindObjects(objectService)
	layerTable, err := st.Table(ctx, "layers") // compare-and-swap numbering: never cached
	if err != nil {
		return fmt.Errorf("opening table layers: %w", err)
	}
	layerService := layers.New(layers.Options{Table: layerTable, Code: st, S3: objectService, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log})
	ctl = control.New(control.Options{
		Functions: tables["functions"], Versions: tables["versions"], Aliases: tables["aliases"], EventConfigs: tables["eventconfigs"],
		Provisioned: tables["provisioned"], Settings: tables["settings"], Policies: tables["policies"], CodeSigning: tables["codesigning"], AccountConcurrency: concurrency,
		Code: st, Warmer: code, S3: objectService, Layers: layerService, Runtimes: catalogue, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log,
		CheckRole: func(ctx context.Context, role string) error {
			err := identity.CheckExecutionRole(ctx, role)
			var re *iam.RoleError
			if errors.As(err, &re) {
				return apierror.InvalidParameter("%s", re.Message)
			}
			return err
		}})
	deliveries := async.New(async.Options{
		Queue:   queue,
		Invoker: invokerFunc(func(ctx context.Context, r invoke.Request) (invoke.Response, error) { return inv.Invoke(ctx, r) }),
		Configs: ctl,
		// SQS dead-letter queues and destinations.
		DeadLetters: ctl,
		Queues:      queueService,
		Backoff:     async.Backoff{FunctionError: cfg.AsyncRetryDelay, Throttle: cfg.AsyncThrottleDelay, ThrottleMax: 5 * time.Minute},
		AckWait:     cfg.AsyncAckWait,
		Logger:      log,
	})
	inv = invoke.New(invoke.Options{Functions: ctl, Code: code, Opt: codecache.NewMerger(filepath.Join(cfg.DataDir, "opt"), code), Envs: environments, Async: deliveries, Region: cfg.Region, Logger: log, MaxConcurrency: concurrency, Observer: observers{prom, meter}, FunctionEnv: fnAPI.FunctionEnv})
	ruleTicks, err := st.Table(ctx, "ruleticks") // compare-and-swap claims: never cached
	if err != nil {
		return fmt.Errorf("opening table ruleticks: %w", err)
	}
	verifier := &sigv4.Verifier{Lookup: anyKey(singleKey(creds), identity.Lookup), Sessions: identity.SessionSecret, Region: cfg.Region}
	var authorizer authz.Authorizer = identity // every service asks IAM's evaluator
	// SQS's wire (JSON 1.0 and query/XML) and event source mappings.
	sqsAPI := sqsapi.New(sqsapi.Options{Queues: queueService, Authorizer: authorizer, PublicURL: cfg.PublicURL})
	mappingTable, err := st.Table(ctx, "mappings") // compare-and-swap state changes: never cached
	if err != nil {
		return fmt.Errorf("opening table mappings: %w", err)
	}
	sourceMappings := mappings.New(mappings.Options{Table: mappingTable, Queues: queueService, Functions: ctl, Invoker: inv, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log})
	// SNS: topics and subscriptions in KV, publishes in durable queues
	// delivered by topicService.Run, notifications signed with a stored key.
	topicTable, err := st.Table(ctx, "topics")
	if err != nil {
		return fmt.Errorf("opening table topics: %w", err)
	}
	cachedTopics, err := topicTable.Cached(ctx)
	if err != nil {
		return fmt.Errorf("caching table topics: %w", err)
	}
	snsQueue, err := st.Queue(ctx, "sns", store.QueueOptions{AckWait: cfg.AsyncAckWait})
	if err != nil {
		return err
	}
	snsFIFOQueue, err := st.Queue(ctx, "snsfifo", store.QueueOptions{AckWait: cfg.AsyncAckWait})
	if err != nil {
		return err
	}
	topicService := topics.New(topics.Options{
		Topics: cachedTopics, Fanout: snsQueue, FIFO: snsFIFOQueue, Invoker: inv, Queues: queueService, BaseURL: endpoint,
		Region: cfg.Region, AccountID: cfg.AccountID, Logger: log,
		Observer: prom.Messages("sns", "topic", "SNS messages per topic: published, delivered, failed (given up or dead-lettered), retried."),
	})
	s3Notifier.BindDestinations(queueService, topicService)
	// EventBridge buses: custom buses in KV, PutEvents into a durable
	// queue that busService.Run matches against rules and delivers.
	ruleStore := &rules.Store{Table: tables["rules"]}
	busTable, err := st.Table(ctx, "buses")
	if err != nil {
		return fmt.Errorf("opening table buses: %w", err)
	}
	cachedBuses, err := busTable.Cached(ctx)
	if err != nil {
		return fmt.Errorf("caching table buses: %w", err)
	}
	busQueue, err := st.Queue(ctx, "events", store.QueueOptions{AckWait: cfg.AsyncAckWait})
	if err != nil {
		return err
	}
	busService := buses.New(buses.Options{
		Buses: cachedBuses, Rules: ruleStore, Queue: busQueue, Invoker: inv, Queues: queueService, Topics: topicService,
		Region: cfg.Region, AccountID: cfg.AccountID, Logger: log,
		Observer: prom.Messages("events", "bus", "EventBridge events per bus: published, delivered (per target), failed (given up or dead-lettered), retried."),
	})
	snsAPI := sns.New(sns.Options{Topics: topicService, Authorizer: authorizer, AccountID: cfg.AccountID})
	scheduler := rules.New(rules.Options{Rules: ruleStore, Claims: ruleTicks, Invoker: inv, Router: busService, Region: cfg.Region, AccountID: cfg.AccountID, Logger: log, Clock: rules.NewScaledClock(cfg.ScheduleSpeed, nil)})
	urlStore := &furl.Store{Table: tables["urls"], Salt: cfg.AccountID, Region: cfg.Region, Base: publicBase, PathBase: pathBase}
	urls := furl.NewHandler(furl.Options{Store: urlStore, Invoker: inv, Verifier: verifier, Policies: ctl, Authorizer: authorizer, AccountID: cfg.AccountID, Console: consoleOrigin, Logger: log})
	// HTTP APIs: API Gateway v2's management API (signed for "apigateway",
	// routed by scope) and the data plane on <api-id>.execute-api.* hosts
	// and the path form, which invokes functions synchronously.
	httpAPITable, err := st.Table(ctx, "httpapis")
	if err != nil {
		return fmt.Errorf("opening table httpapis: %w", err)
	}
	httpAPICache, err := httpAPITable.Cached(ctx)
	if err != nil {
		return fmt.Errorf("caching table httpapis: %w", err)
	}
	httpAPIStore := &httpapi.Store{Table: httpAPICache, Keys: httpAPITable}
	httpAPIs := httpapi.NewHandler(httpapi.Options{Store: httpAPIStore, Invoker: inv, Base: publicBase, Region: cfg.Region, AccountID: cfg.AccountID, Console: consoleOrigin, Logger: log})
	apiGatewayAPI := apigatewayv2.New(apigatewayv2.Options{Store: httpAPIStore, Verifier: verifier, Authorizer: authorizer, Region: cfg.Region, AccountID: cfg.AccountID, Base: publicBase, PathBase: pathBase, Logger: log})
	api := lambda.New(lambda.Options{
		Control:         ctl,
		Invoker:         inv,
		Verifier:        verifier,
		AccessKeyID:     creds.AccessKeyID,
		SecretAccessKey: creds.SecretAccessKey,
		Usage:           meter,
		URLs:            urlStore,
		Authorizer:      authorizer,
		Mappings:        sourceMappings,
		Layers:          layerService,
		Logger:          log,
	})

	// S3's wire side (its state is opened above, before the functions that
	// may take their code from a bucket).
	s3API := s3.New(s3.Options{Objects: objectService, Verifier: verifier, Authorizer: authorizer, Region: cfg.Region, Logger: log})

	// /health also tells the client commands that this is Gust, and its
	// region (see cmd/gust/firstrun.go).
	healthBody := []byte(`{"status":"ok","service":"gust","region":"` + cfg.Region + `"}` + "\n")
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(healthBody)
	})
	mux.Handle("GET /metrics", prom.Handler()) // unauthenticated, like most exporters
	api.Register(mux)
	// Every AWS service shares the one endpoint; the front door picks the
	// protocol router from what each request says (X-Amz-Target, the
	// credential scope's service, a query Action).
	jsonServices := awsjson.New(awsjson.Options{Verifier: verifier, Fallback: http.HandlerFunc(lambda.NotFound), Logger: log},
		logs.New(logs.Options{Store: logStore, Region: cfg.Region, AccountID: cfg.AccountID, Authorizer: authorizer}).Service(),
		events.New(events.Options{Rules: ruleStore, Scheduler: scheduler, Buses: busService, Region: cfg.Region, AccountID: cfg.AccountID, Authorizer: authorizer}).Service(),
		sqsAPI.JSON(),
	)
	queryServices := awsquery.New(awsquery.Options{Verifier: verifier, Logger: log},
		iamapi.New(iamapi.Options{IAM: identity, Authorizer: authorizer}).Service(),
		stsapi.New(stsapi.Options{IAM: identity}).Service(),
		sqsAPI.Query(),
		snsAPI.Service(),
	)
	door := front.New(front.Options{JSON: jsonServices, Query: queryServices, ByScope: map[string]http.Handler{"apigateway": apiGatewayAPI.Handler(), "s3": s3API}, Default: snsAPI.Public(mux)})
	apiHandler.Handler = s3API.Routes(door) // functions reach virtual-hosted buckets too
	// Console: any key pair the API's verifier knows signs in, on the
	// console's own origin only (see webOrigins).
	// It is routed before the front door: its facade calls carry the
	// X-Amz-Target of the call they wrap.
	top := http.NewServeMux()
	top.Handle("/console/", console.New(console.Options{API: door, Lookup: verifier.Lookup, Region: cfg.Region, Origin: consoleOrigin, TrustForwardedProto: cfg.TrustForwardedProto, Logger: log}))
	top.Handle("/", door)
	mux.HandleFunc(furl.PathPrefix+"{id}/", urls.ServePath)
	mux.HandleFunc(furl.PathPrefix+"{id}", urls.ServePath)
	mux.HandleFunc(httpapi.PathPrefix+"{id}/", httpAPIs.ServePath)
	mux.HandleFunc(httpapi.PathPrefix+"{id}", httpAPIs.ServePath)
	mux.HandleFunc("/", lambda.NotFound)

	// The host forms of function URLs, HTTP APIs and buckets are matched
	// before any API route.
	srv := &http.Server{Handler: urls.Routes(httpAPIs.Routes(s3API.Routes(top))), ReadHeaderTimeout: 10 * time.Second}
	log.Info("gust server ready", "endpoint", endpoint, "isolation", isolated.Name(), "outbound", cfg.Outbound, "data_dir", cfg.DataDir)
	printWelcome(endpoint, consoleOrigin, cfg, creds, generated)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	workCtx, stopWork := context.WithCancel(context.Background())
	delivered := make(chan error, 1)
	go func() { delivered <- deliveries.Run(workCtx) }()
	provisioned := make(chan struct{})
	go func() { defer close(provisioned); inv.RunProvisioner(workCtx, 500*time.Millisecond) }()
	scheduled := make(chan error, 1)
	go func() { scheduled <- scheduler.Run(workCtx) }()
	notified := make(chan error, 1)
	go func() { notified <- topicService.Run(workCtx) }()
	routed := make(chan error, 1)
	go func() { routed <- busService.Run(workCtx) }()
	s3Notified := make(chan error, 1)
	go func() { s3Notified <- s3Notifier.Run(workCtx) }()
	// Blobs a crash left unnamed (stored, record never committed) are
	// swept once they are ten minutes old, at start and hourly.
	swept := make(chan struct{})
	go func() { defer close(swept); objectService.RunSweeper(workCtx, st, time.Hour, 10*time.Minute) }()
	polled := make(chan error, 1)
	go func() { polled <- sourceMappings.Run(workCtx) }()
	defer func() {
		stopWork()
		if err := <-polled; err != nil {
			log.Warn("event source mappings", "err", err)
		}
		if err := <-routed; err != nil {
			log.Warn("event bus delivery", "err", err)
		}
		if err := <-notified; err != nil {
			log.Warn("sns delivery", "err", err)
		}
		<-provisioned
		<-swept
		if err := <-s3Notified; err != nil {
			log.Warn("s3 notifications", "err", err)
		}
		if err := <-scheduled; err != nil {
			log.Warn("scheduler", "err", err)
		}
		if err := <-delivered; err != nil {
			log.Warn("async delivery", "err", err)
		}
	}()
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

// lateHandler is a handler bound after the parts that hold it are built:
// the environments serve Gust's API inside their namespaces, and that API
// needs the environments.
type lateHandler struct{ http.Handler }

// invokerFunc adapts a function to async.Invoker; async delivery and the
// invoke service refer to each other, so one side is bound late.
type invokerFunc func(context.Context, invoke.Request) (invoke.Response, error)

func (f invokerFunc) Invoke(ctx context.Context, r invoke.Request) (invoke.Response, error) {
	return f(ctx, r)
}

// openRuntimes finds the host's interpreters (running each --version once)
// and writes the Python and Node.js bootstraps to <data-dir>/runtimes.
func openRuntimes(ctx context.Context, cfg config.Config, log *slog.Logger) (*runtimes.Catalogue, error) {
	configured, err := runtimes.ParseInterpreters(cfg.RuntimeInterpreters)
	if err != nil {
		return nil, err
	}
	interpreters, err := runtimes.Discover(ctx, runtimes.DiscoverOptions{Configured: configured})
	if err != nil {
		return nil, fmt.Errorf("finding runtime interpreters: %w", err)
	}
	dir, err := runtimes.WriteBootstraps(filepath.Join(cfg.DataDir, "runtimes"))
	if err != nil {
		return nil, err
	}
	var found []string
	for _, it := range interpreters.Found() {
		found = append(found, it.Runtime+"="+it.Path)
	}
	log.Info("runtime interpreters", "found", strings.Join(found, ","))
	return &runtimes.Catalogue{Interpreters: interpreters, BootstrapDir: dir}, nil
}

// publicURL is the base of function URLs: the configured one, or
// http://localhost:<port> (*.localhost resolves to loopback).
func publicURL(configured string, addr net.Addr) (*url.URL, error) {
	if configured != "" {
		u, err := url.Parse(configured)
		if err != nil {
			return nil, fmt.Errorf("parsing public URL: %w", err)
		}
		return u, nil
	}
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return nil, fmt.Errorf("reading listen port: %w", err)
	}
	return &url.URL{Scheme: "http", Host: "localhost:" + port}, nil
}

// webOrigins separates the console from function content (see
// docs/architecture.md, "The console's origin"): the console is served on
// one origin only, and function URLs' path form is refused there. Without
// --public-url the console is http://localhost:<port> and FunctionUrl is the
// path form on the listen address (127.0.0.1 for an unspecified one): a
// different host name, so a different origin, and one every resolver knows.
func webOrigins(cfg config.Config, addr net.Addr) (consoleOrigin origin.Origin, pathBase *url.URL, err error) {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return origin.Origin{}, nil, fmt.Errorf("reading listen address: %w", err)
	}
	consoleURL := cfg.ConsoleURL
	switch {
	case consoleURL != "":
	case cfg.PublicURL != "":
		consoleURL = cfg.PublicURL
	default:
		consoleURL = "http://localhost:" + port
	}
	consoleOrigin, err = origin.Parse(consoleURL)
	if err != nil {
		return origin.Origin{}, nil, fmt.Errorf("console URL: %w", err)
	}
	if cfg.PublicURL != "" {
		return consoleOrigin, nil, nil
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	pathBase = &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
	if consoleOrigin.Matches(pathBase.Host) {
		return origin.Origin{}, nil, fmt.Errorf("console URL %s is the listen address, where function URLs are served: give the console another host name (e.g. http://localhost:%s)", consoleURL, port)
	}
	return consoleOrigin, pathBase, nil
}

// anyKey asks each lookup in turn.
func anyKey(lookups ...sigv4.Lookup) sigv4.Lookup {
	return func(id string) (string, bool) {
		for _, l := range lookups {
			if s, ok := l(id); ok {
				return s, true
			}
		}
		return "", false
	}
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
func printWelcome(endpoint string, consoleOrigin origin.Origin, cfg config.Config, creds credentials.Pair, generated bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "Gust is listening on %s\n", endpoint)
	if generated {
		fmt.Fprintf(&b, "Generated API credentials in %s. Point AWS tools at Gust with:\n", filepath.Join(cfg.DataDir, credentials.FileName))
	} else {
		b.WriteString("Point AWS tools at Gust with:\n")
	}
	fmt.Fprintf(&b, "  export AWS_ENDPOINT_URL=%s\n  export AWS_REGION=%s\n  export AWS_ACCESS_KEY_ID=%s\n  export AWS_SECRET_ACCESS_KEY=%s\n",
		endpoint, cfg.Region, creds.AccessKeyID, creds.SecretAccessKey)
	fmt.Fprintf(&b, "Web console: %s/console/ (sign in with the key pair above)\n", consoleOrigin)
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
