package mappings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"gust/internal/ids"
	"log/slog"
	"slices"
	"sync"
	"time"

	"gust/internal/apierror"
	"gust/internal/control"
	"gust/internal/eventpattern"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/store"
)

// States of a mapping.
const (
	Creating  = "Creating"
	Enabling  = "Enabling"
	Enabled   = "Enabled"
	Updating  = "Updating"
	Disabling = "Disabling"
	Disabled  = "Disabled"
	Deleting  = "Deleting"
)

// maxFilters is Lambda's default quota of filters per mapping.
const maxFilters = 5

// ReportBatchItemFailures is the FunctionResponseTypes value for partial
// batch responses.
const ReportBatchItemFailures = "ReportBatchItemFailures"

// Mapping is one event source mapping.
type Mapping struct {
	UUID           string   `json:"uuid"`
	FunctionName   string   `json:"functionName"` // unqualified name
	Qualifier      string   `json:"qualifier,omitempty"`
	FunctionARN    string   `json:"functionArn"`
	EventSourceARN string   `json:"eventSourceArn"`
	BatchSize      int      `json:"batchSize"`
	BatchWindow    int      `json:"batchWindow"` // MaximumBatchingWindowInSeconds
	ResponseTypes  []string `json:"responseTypes,omitempty"`
	// MaxConcurrency is ScalingConfig.MaximumConcurrency (0: unset).
	MaxConcurrency int      `json:"maxConcurrency,omitempty"`
	Filters        []string `json:"filters,omitempty"`
	// FiltersSet records that FilterCriteria was given (even empty).
	FiltersSet   bool    `json:"filtersSet,omitempty"`
	Enabled      bool    `json:"enabled"`
	State        string  `json:"state"`
	Reason       string  `json:"reason"`
	LastModified float64 `json:"lastModified"` // Unix seconds
}

// Queues is what pollers and validation need of package queues.
type Queues interface {
	NameOfARN(arn string) (string, bool)
	Get(ctx context.Context, name string) (queues.Queue, error)
	Receive(ctx context.Context, name string, o queues.ReceiveOptions) ([]queues.Received, error)
	DeleteMessage(ctx context.Context, name, handle string) error
	ChangeVisibility(ctx context.Context, name, handle string, seconds int) error
}

// Functions resolves mapping targets.
type Functions interface {
	ResolveInvoke(ctx context.Context, ref, qualifier string) (control.Target, error)
	FunctionARN(name string) string
	GetFunctionConcurrency(ctx context.Context, ref string) (int, bool, error)
}

// Invoker runs functions synchronously.
type Invoker interface {
	Invoke(ctx context.Context, r invoke.Request) (invoke.Response, error)
}

// Options wires a Service.
type Options struct {
	Table     *store.Table
	Queues    Queues
	Functions Functions
	Invoker   Invoker
	Region    string
	AccountID string
	Logger    *slog.Logger
}

// Service manages mappings and runs their pollers.
type Service struct {
	table     *store.Table
	queues    Queues
	functions Functions
	invoker   Invoker
	region    string
	account   string
	log       *slog.Logger

	mu      sync.Mutex
	pollers map[string]*poller // by UUID, running on this node
}

// New returns a Service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{table: o.Table, queues: o.Queues, functions: o.Functions, invoker: o.Invoker, region: o.Region, account: o.AccountID,
		log: o.Logger, pollers: map[string]*poller{}}
}

// ARN of a mapping.
func (s *Service) ARN(uuid string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:event-source-mapping:%s", s.region, s.account, uuid)
}

// Input is what Create and Update take; nil fields are unset.
type Input struct {
	FunctionName          *string
	EventSourceARN        *string
	Enabled               *bool
	BatchSize             *int
	BatchWindow           *int
	FunctionResponseTypes *[]string
	MaxConcurrency        *int
	// ScalingConfigSet: ScalingConfig was sent (an empty one clears it).
	ScalingConfigSet bool
	Filters          *[]string
}

func notFound() error {
	return apierror.NotFound("The resource you requested does not exist.")
}

// Create validates and stores a new mapping in state Creating.
func (s *Service) Create(ctx context.Context, in Input) (Mapping, error) {
	if in.EventSourceARN == nil || *in.EventSourceARN == "" {
		return Mapping{}, apierror.InvalidParameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, kafka, mq or documentdb.")
	}
	m := Mapping{UUID: ids.UUID(), EventSourceARN: *in.EventSourceARN, Enabled: true, State: Creating, Reason: "USER_INITIATED"}
	if in.FunctionName == nil {
		return Mapping{}, apierror.InvalidParameter("FunctionName is required")
	}
	if err := s.apply(ctx, &m, in, true); err != nil {
		return Mapping{}, err
	}
	list, err := s.List(ctx, "", m.EventSourceARN)
	if err != nil {
		return Mapping{}, err
	}
	for _, o := range list {
		if o.FunctionARN == m.FunctionARN {
			return Mapping{}, apierror.Conflict("An event source mapping with SQS arn (\" %s \") and function (\" %s \") already exists. Please update or delete the existing mapping with UUID %s", m.EventSourceARN, m.FunctionName, o.UUID)
		}
	}
	m.LastModified = now()
	b, err := json.Marshal(m)
	if err != nil {
		return Mapping{}, fmt.Errorf("encoding mapping: %w", err)
	}
	if _, err := s.table.Create(ctx, m.UUID, b); err != nil {
		return Mapping{}, fmt.Errorf("storing mapping: %w", err)
	}
	return m, nil
}

// apply validates in against m's source and writes it into m.
func (s *Service) apply(ctx context.Context, m *Mapping, in Input, creating bool) error {
	name, ok := s.queues.NameOfARN(m.EventSourceARN)
	if !ok {
		return apierror.InvalidParameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, kafka, mq or documentdb.")
	}
	q, err := s.queues.Get(ctx, name)
	if err != nil {
		return apierror.InvalidParameter("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.")
	}
	if in.FunctionName != nil {
		t, err := s.functions.ResolveInvoke(ctx, *in.FunctionName, "")
		if err != nil {
			return err
		}
		m.FunctionName, m.Qualifier = t.Function.Name, t.Qualifier
		m.FunctionARN = s.functions.FunctionARN(t.Function.Name)
		if t.Qualifier != "" {
			m.FunctionARN += ":" + t.Qualifier
		}
	}
	if creating && m.BatchSize == 0 {
		m.BatchSize = 10
	}
	if in.BatchSize != nil {
		m.BatchSize = *in.BatchSize
	}
	if in.BatchWindow != nil {
		m.BatchWindow = *in.BatchWindow
	}
	if in.Enabled != nil {
		m.Enabled = *in.Enabled
	}
	if in.FunctionResponseTypes != nil {
		for _, t := range *in.FunctionResponseTypes {
			if t != ReportBatchItemFailures {
				return apierror.Validation("1 validation error detected: Value '[%s]' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]", t)
			}
		}
		m.ResponseTypes = slices.Compact(slices.Clone(*in.FunctionResponseTypes))
	}
	if in.ScalingConfigSet {
		m.MaxConcurrency = 0
		if in.MaxConcurrency != nil {
			if *in.MaxConcurrency < 2 || *in.MaxConcurrency > 1000 {
				return apierror.Validation("1 validation error detected: Value '%d' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value less than or equal to 1000 and greater than or equal to 2", *in.MaxConcurrency)
			}
			m.MaxConcurrency = *in.MaxConcurrency
		}
	}
	if in.Filters != nil {
		if len(*in.Filters) > maxFilters {
			return apierror.InvalidParameter("The number of filters exceeds the limit of %d.", maxFilters)
		}
		for _, p := range *in.Filters {
			if len(p) > 4096 {
				return apierror.Validation("1 validation error detected: Value at 'filterCriteria.filters.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096")
			}
			if _, err := eventpattern.Compile([]byte(p)); err != nil {
				return apierror.InvalidParameter("Invalid filter pattern definition.")
			}
		}
		m.Filters, m.FiltersSet = slices.Clone(*in.Filters), true
	}
	if m.BatchSize < 1 || m.BatchSize > 10000 {
		return apierror.Validation("1 validation error detected: Value '%d' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000", m.BatchSize)
	}
	if m.BatchWindow < 0 || m.BatchWindow > 300 {
		return apierror.Validation("1 validation error detected: Value '%d' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300", m.BatchWindow)
	}
	if q.FIFO {
		if m.BatchSize > 10 {
			return apierror.InvalidParameter("BatchSize must be less than or equal to 10 for FIFO queues.")
		}
		if m.BatchWindow > 0 {
			return apierror.InvalidParameter("Batching window is not supported for FIFO queues.")
		}
	} else if m.BatchSize > 10 && m.BatchWindow < 1 {
		return apierror.InvalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10")
	}
	return nil
}

// Get returns a mapping.
func (s *Service) Get(ctx context.Context, uuid string) (Mapping, error) {
	m, _, err := s.get(ctx, uuid)
	return m, err
}

func (s *Service) get(ctx context.Context, uuid string) (Mapping, uint64, error) {
	if !store.ValidKey(uuid) {
		return Mapping{}, 0, notFound()
	}
	rec, err := s.table.Get(ctx, uuid)
	if errors.Is(err, store.ErrNotFound) {
		return Mapping{}, 0, notFound()
	}
	if err != nil {
		return Mapping{}, 0, fmt.Errorf("reading mapping %s: %w", uuid, err)
	}
	var m Mapping
	if err := json.Unmarshal(rec.Value, &m); err != nil {
		return Mapping{}, 0, fmt.Errorf("decoding mapping %s: %w", uuid, err)
	}
	return m, rec.Revision, nil
}

// put writes m over revision rev.
func (s *Service) put(ctx context.Context, m Mapping, rev uint64) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encoding mapping: %w", err)
	}
	if _, err := s.table.Update(ctx, m.UUID, b, rev); err != nil {
		return fmt.Errorf("updating mapping %s: %w", m.UUID, err)
	}
	return nil
}

// Update changes a mapping; it enters Updating (or Enabling/Disabling).
func (s *Service) Update(ctx context.Context, uuid string, in Input) (Mapping, error) {
	for range 10 {
		m, rev, err := s.get(ctx, uuid)
		if err != nil {
			return Mapping{}, err
		}
		if m.State == Creating || m.State == Deleting || m.State == Updating || m.State == Enabling || m.State == Disabling {
			return Mapping{}, apierror.New("ResourceInUseException", "Cannot update the event source mapping because it is in use.")
		}
		was := m.Enabled
		if err := s.apply(ctx, &m, in, false); err != nil {
			return Mapping{}, err
		}
		switch {
		case m.Enabled && !was:
			m.State = Enabling
		case !m.Enabled && was:
			m.State = Disabling
		default:
			m.State = Updating
		}
		m.Reason, m.LastModified = "USER_INITIATED", now()
		if err := s.put(ctx, m, rev); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return Mapping{}, err
		}
		return m, nil
	}
	return Mapping{}, apierror.New("ResourceInUseException", "Cannot update the event source mapping because it is in use.")
}

// Delete marks a mapping Deleting; its runner removes it.
func (s *Service) Delete(ctx context.Context, uuid string) (Mapping, error) {
	for range 10 {
		m, rev, err := s.get(ctx, uuid)
		if err != nil {
			return Mapping{}, err
		}
		if m.State == Deleting {
			return Mapping{}, apierror.New("ResourceInUseException", "Cannot delete the event source mapping because it is in use.")
		}
		m.State, m.Reason = Deleting, "USER_INITIATED"
		if err := s.put(ctx, m, rev); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return Mapping{}, err
		}
		return m, nil
	}
	return Mapping{}, apierror.New("ResourceInUseException", "Cannot delete the event source mapping because it is in use.")
}

// List returns mappings, filtered by function (name, ARN; qualified or
// not) and by source ARN when given, sorted by UUID.
func (s *Service) List(ctx context.Context, function, sourceARN string) ([]Mapping, error) {
	keys, err := s.table.Keys(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("listing mappings: %w", err)
	}
	var fnARN string
	if function != "" {
		t, err := s.functions.ResolveInvoke(ctx, function, "")
		if err != nil {
			return nil, err
		}
		fnARN = s.functions.FunctionARN(t.Function.Name)
		if t.Qualifier != "" {
			fnARN += ":" + t.Qualifier
		}
	}
	slices.Sort(keys)
	var out []Mapping
	for _, k := range keys {
		m, _, err := s.get(ctx, k)
		if err != nil {
			continue
		}
		if (fnARN == "" || m.FunctionARN == fnARN) && (sourceARN == "" || m.EventSourceARN == sourceARN) {
			out = append(out, m)
		}
	}
	return out, nil
}

func now() float64 { return float64(time.Now().UnixMilli()) / 1000 }

// isThrottle reports whether an invocation was refused for concurrency.
func isThrottle(err error) bool {
	var e *apierror.Error
	return errors.As(err, &e) && e.Type == "TooManyRequestsException"
}
