package invoke

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"gust/internal/apierror"
	"gust/internal/control"
	"gust/internal/envs"
	"gust/internal/ids"
)

// Request is one Invoke call.
type Request struct {
	RequestID      string
	FunctionName   string // name, partial or full ARN, optionally qualified
	Qualifier      string
	InvocationType string // RequestResponse (default), Event, DryRun
	LogType        string // None (default) or Tail
	ClientContext  string // base64 JSON, as in X-Amz-Client-Context
	Payload        []byte
}

// Response is Lambda's InvocationResponse.
type Response struct {
	StatusCode      int
	Payload         []byte
	FunctionError   string // "Unhandled" when the function failed
	LogResult       string // base64 of the log tail, when LogType is Tail
	ExecutedVersion string
}

// Target is the resolved version an invocation runs.
type Target = control.Target

// Functions looks functions up.
type Functions interface {
	ResolveInvoke(ctx context.Context, ref, qualifier string) (control.Target, error)
	FunctionARN(name string) string
	Reservations(ctx context.Context) (control.Reservations, error)
	AllProvisioned(ctx context.Context) ([]control.ProvisionedConfig, error)
	ResolvePrimary(ctx context.Context, function, qualifier string) (control.Function, error)
}

// Enqueuer accepts asynchronous invocations durably.
type Enqueuer interface {
	Enqueue(ctx context.Context, ev Event) error
}

// Event is an accepted asynchronous invocation.
type Event struct {
	ID         string    `json:"id"`
	Function   string    `json:"function"`
	Qualifier  string    `json:"qualifier,omitempty"`
	Payload    []byte    `json:"payload"`
	EnqueuedAt time.Time `json:"enqueuedAt"`
}

// CodePaths gives the unpacked code of a package.
type CodePaths interface {
	Path(ctx context.Context, sha256hex string) (string, error)
}

// OptPaths gives the merged /opt directory of a function's layers.
type OptPaths interface {
	Path(ctx context.Context, sha256hexes []string) (string, error)
}

// Environments runs invocations.
type Environments interface {
	Invoke(ctx context.Context, cfg envs.Config, inv envs.Invocation) (envs.Result, error)
	SyncProvisioned(want []envs.Provision)
	ProvisionedReady(key string) int
}

// Record describes one finished (or refused) invocation, for metrics and
// metering.
type Record struct {
	Function     string
	Version      string
	RequestID    string
	Start        time.Time
	Duration     time.Duration // the handler's run, as in REPORT
	BilledMs     int64
	MemoryMB     int
	MaxMemoryMB  int64
	InitDuration time.Duration // non-zero on a cold start
	ErrorType    string        // "" on success
	Throttled    bool          // refused by a concurrency limit; nothing ran
}

// Observer is told about every invocation. It must not block.
type Observer interface {
	Observe(Record)
}

// Options wires a Service.
type Options struct {
	Observer  Observer // optional
	Functions Functions
	Code      CodePaths
	// Opt merges functions' layers; nil runs functions with layers
	// without them (tests only: cmd/gust always sets it).
	Opt   OptPaths
	Envs  Environments
	Async Enqueuer // optional: without it Event invocations are refused
	// FunctionEnv, when set, gives the platform variables of a function's
	// environments (its role's credentials, AWS_ENDPOINT_URL) and when
	// those credentials expire.
	FunctionEnv func(ctx context.Context, function, role string) ([]string, time.Time, error)
	Region      string
	Logger      *slog.Logger
	// MaxConcurrency is the account's concurrency limit (default 1000).
	MaxConcurrency int
}

// Service invokes functions.
type Service struct {
	functions Functions
	code      CodePaths
	opt       OptPaths
	envs      Environments
	async     Enqueuer
	fnEnv     func(ctx context.Context, function, role string) ([]string, time.Time, error)
	region    string
	log       *slog.Logger
	observer  Observer
	admission *admission
}

// New returns a Service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = control.DefaultAccountConcurrency
	}
	return &Service{functions: o.Functions, code: o.Code, opt: o.Opt, envs: o.Envs, async: o.Async, fnEnv: o.FunctionEnv, region: o.Region, log: o.Logger, observer: o.Observer, admission: newAdmission(o.MaxConcurrency)}
}

// Limits from AWS's quotas.
const (
	MaxSyncPayload   = 6 * 1024 * 1024
	MaxAsyncPayload  = 1024 * 1024
	maxClientContext = 3583
)

// Invoke runs a function synchronously, queues it (Event), or validates
// it (DryRun).
func (s *Service) Invoke(ctx context.Context, req Request) (Response, error) {
	if req.RequestID == "" {
		req.RequestID = ids.UUID()
	}
	switch req.InvocationType {
	case "", "RequestResponse", "DryRun", "Event":
	default:
		return Response{}, apierror.Validation("1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", req.InvocationType)
	}
	switch req.LogType {
	case "", "None", "Tail":
	default:
		return Response{}, apierror.Validation("1 validation error detected: Value '%s' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]", req.LogType)
	}
	target, err := s.functions.ResolveInvoke(ctx, req.FunctionName, req.Qualifier)
	if err != nil {
		return Response{}, err
	}
	f := target.Function
	if req.InvocationType == "DryRun" {
		return Response{StatusCode: http.StatusNoContent, ExecutedVersion: f.Version}, nil
	}
	payload := req.Payload
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		return Response{}, apierror.InvalidRequestContent("Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value")
	}
	if req.InvocationType == "Event" {
		return s.enqueue(ctx, req, target, payload)
	}
	clientContext, err := decodeClientContext(req.ClientContext)
	if err != nil {
		return Response{}, err
	}
	reservations, err := s.functions.Reservations(ctx)
	if err != nil {
		return Response{}, err
	}
	release, err := s.admission.admit(f.Name, reservations)
	if err != nil {
		s.observe(Record{Function: f.Name, Version: f.Version, RequestID: req.RequestID, Start: time.Now(), MemoryMB: f.MemorySize, Throttled: true})
		return Response{}, err
	}
	defer release()

	cfg, err := s.envConfig(ctx, f)
	if err != nil {
		return Response{}, err
	}
	invokedARN := cfg.ARN
	if target.Qualifier != "" {
		invokedARN += ":" + target.Qualifier
	}
	start := time.Now()
	res, err := s.envs.Invoke(ctx, cfg, envs.Invocation{
		RequestID:     req.RequestID,
		Payload:       payload,
		ClientContext: clientContext,
		TraceID:       "Root=" + ids.TraceID(time.Now()) + ";Lineage=0;Sampled=0",
		InvokedARN:    invokedARN,
	})
	if errors.Is(err, envs.ErrNoCapacity) {
		s.observe(Record{Function: f.Name, Version: f.Version, RequestID: req.RequestID, Start: start, MemoryMB: f.MemorySize, Throttled: true})
		return Response{}, apierror.TooManyRequests("ConcurrentInvocationLimitExceeded", "Rate Exceeded.")
	}
	if err != nil {
		return Response{}, fmt.Errorf("invoking %s: %w", f.Name, err)
	}
	rec := Record{Function: f.Name, Version: f.Version, RequestID: req.RequestID, Start: start, Duration: res.Duration,
		BilledMs: res.BilledMs, MemoryMB: f.MemorySize, MaxMemoryMB: res.MaxMemoryMB, InitDuration: res.InitDuration}
	if res.Err != nil {
		rec.ErrorType = res.Err.Type
	}
	s.observe(rec)
	out := Response{StatusCode: http.StatusOK, Payload: res.Payload, ExecutedVersion: f.Version}
	if res.Err != nil {
		out.FunctionError = "Unhandled"
		out.Payload = res.Err.Body
	}
	if req.LogType == "Tail" {
		out.LogResult = base64.StdEncoding.EncodeToString(res.Log)
	}
	return out, nil
}

// envConfig is what an environment of version f needs.
func (s *Service) envConfig(ctx context.Context, f control.Function) (envs.Config, error) {
	dir, err := s.code.Path(ctx, f.CodeSha256)
	if err != nil {
		return envs.Config{}, fmt.Errorf("unpacking code of %s: %w", f.Name, err)
	}
	var optDir string
	if len(f.Layers) > 0 && s.opt != nil {
		shas := make([]string, len(f.Layers))
		for i, l := range f.Layers {
			shas[i] = l.CodeSha256
		}
		if optDir, err = s.opt.Path(ctx, shas); err != nil {
			return envs.Config{}, fmt.Errorf("unpacking layers of %s: %w", f.Name, err)
		}
	}
	var platform []string
	var expires time.Time
	if s.fnEnv != nil {
		if platform, expires, err = s.fnEnv(ctx, f.Name, f.Role); err != nil {
			return envs.Config{}, err
		}
	}
	return envs.Config{
		Platform:          platform,
		CredentialsExpire: expires,
		Function:          f.Name,
		Version:           f.Version,
		RevisionID:        f.EnvironmentKey(), // not RevisionId: settling and publishing change it, not what environments run
		ARN:               s.functions.FunctionARN(f.Name),
		Runtime:           f.Runtime,
		Handler:           f.Handler,
		MemoryMB:          f.MemorySize,
		TmpMB:             f.EphemeralStorage,
		Timeout:           time.Duration(f.Timeout) * time.Second,
		CodeDir:           dir,
		OptDir:            optDir,
		Region:            s.region,
		LogGroup:          f.Logging.LogGroup,
		Variables:         f.Environment,

		LogFormat:           f.Logging.LogFormat,
		ApplicationLogLevel: f.Logging.ApplicationLogLevel,
		SystemLogLevel:      f.Logging.SystemLogLevel,
	}, nil
}

// enqueue accepts an Event invocation: 202 once it is durably stored.
func (s *Service) enqueue(ctx context.Context, req Request, target Target, payload []byte) (Response, error) {
	if s.async == nil {
		return Response{}, apierror.Service("Asynchronous invocation is not available on this server.")
	}
	if len(payload) > MaxAsyncPayload {
		return Response{}, apierror.TooLarge("Request must be smaller than %d bytes for the InvokeFunction operation", MaxAsyncPayload)
	}
	if req.LogType == "Tail" {
		return Response{}, apierror.InvalidParameter("LogType Tail is only supported with InvocationType RequestResponse.")
	}
	ev := Event{ID: req.RequestID, Function: target.Function.Name, Qualifier: target.Qualifier, Payload: payload, EnqueuedAt: time.Now()}
	if err := s.async.Enqueue(ctx, ev); err != nil {
		return Response{}, fmt.Errorf("queueing event for %s: %w", ev.Function, err)
	}
	return Response{StatusCode: http.StatusAccepted}, nil
}

func decodeClientContext(b64 string) (string, error) {
	if b64 == "" {
		return "", nil
	}
	if len(b64) > maxClientContext {
		return "", apierror.InvalidParameter("Client context must be at most %s bytes.", strconv.Itoa(maxClientContext))
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !json.Valid(raw) {
		return "", apierror.InvalidParameter("Client context must be a valid Base64-encoded JSON object.")
	}
	return string(raw), nil
}

func (s *Service) observe(r Record) {
	if s.observer != nil {
		s.observer.Observe(r)
	}
}
