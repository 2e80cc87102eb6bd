package lambda

import (
	"context"
	"net/http"

	"gust/internal/apierror"
	"gust/internal/mappings"
)

// Mappings manages event source mappings; package mappings implements it.
type Mappings interface {
	Create(ctx context.Context, in mappings.Input) (mappings.Mapping, error)
	Get(ctx context.Context, uuid string) (mappings.Mapping, error)
	Update(ctx context.Context, uuid string, in mappings.Input) (mappings.Mapping, error)
	Delete(ctx context.Context, uuid string) (mappings.Mapping, error)
	List(ctx context.Context, function, sourceARN string) ([]mappings.Mapping, error)
	ARN(uuid string) string
}

// mappingInput is CreateEventSourceMapping's and UpdateEventSourceMapping's
// body (the members that apply to SQS).
type mappingInput struct {
	FunctionName                   *string
	EventSourceArn                 *string
	Enabled                        *bool
	BatchSize                      *int
	MaximumBatchingWindowInSeconds *int
	FunctionResponseTypes          *[]string
	ScalingConfig                  *struct{ MaximumConcurrency *int }
	FilterCriteria                 *struct {
		Filters []struct{ Pattern string }
	}
}

func (in mappingInput) input() mappings.Input {
	out := mappings.Input{
		FunctionName: in.FunctionName, EventSourceARN: in.EventSourceArn, Enabled: in.Enabled, BatchSize: in.BatchSize,
		BatchWindow: in.MaximumBatchingWindowInSeconds, FunctionResponseTypes: in.FunctionResponseTypes,
	}
	if in.ScalingConfig != nil {
		out.ScalingConfigSet, out.MaxConcurrency = true, in.ScalingConfig.MaximumConcurrency
	}
	if in.FilterCriteria != nil {
		patterns := []string{}
		for _, f := range in.FilterCriteria.Filters {
			patterns = append(patterns, f.Pattern)
		}
		out.Filters = &patterns
	}
	return out
}

// mappingConfiguration is EventSourceMappingConfiguration for an SQS source.
type mappingConfiguration struct {
	UUID                           string
	BatchSize                      int
	MaximumBatchingWindowInSeconds int
	EventSourceArn                 string
	FilterCriteria                 *filterCriteria `json:",omitempty"`
	FunctionArn                    string
	LastModified                   float64
	State                          string
	StateTransitionReason          string
	FunctionResponseTypes          []string
	ScalingConfig                  *scalingConfig `json:",omitempty"`
	EventSourceMappingArn          string
}

type filterCriteria struct {
	Filters []filter
}

type filter struct {
	Pattern string
}

type scalingConfig struct {
	MaximumConcurrency int
}

func (a *API) mappingShape(m mappings.Mapping) mappingConfiguration {
	out := mappingConfiguration{
		UUID: m.UUID, BatchSize: m.BatchSize, MaximumBatchingWindowInSeconds: m.BatchWindow, EventSourceArn: m.EventSourceARN,
		FunctionArn: m.FunctionARN, LastModified: m.LastModified, State: m.State, StateTransitionReason: m.Reason,
		FunctionResponseTypes: m.ResponseTypes, EventSourceMappingArn: a.mappings.ARN(m.UUID),
	}
	if out.FunctionResponseTypes == nil {
		out.FunctionResponseTypes = []string{}
	}
	if m.MaxConcurrency > 0 {
		out.ScalingConfig = &scalingConfig{MaximumConcurrency: m.MaxConcurrency}
	}
	if m.FiltersSet {
		out.FilterCriteria = &filterCriteria{Filters: []filter{}}
		for _, p := range m.Filters {
			out.FilterCriteria.Filters = append(out.FilterCriteria.Filters, filter{Pattern: p})
		}
	}
	return out
}

// decodeMapping reads a mapping request body.
func decodeMapping(body []byte) (mappingInput, error) {
	var in mappingInput
	if len(body) == 0 {
		return in, nil
	}
	err := decode(body, &in)
	return in, err
}

// mappingsOrMissing is the mappings service, or one that finds nothing.
func (a *API) mappingsOrMissing() Mappings {
	if a.mappings == nil {
		return noMappings{}
	}
	return a.mappings
}

// noMappings answers for a server built without event source mappings.
type noMappings struct{}

func (noMappings) Create(context.Context, mappings.Input) (mappings.Mapping, error) {
	return mappings.Mapping{}, apierror.InvalidParameter("Event source mappings are not available.")
}
func (noMappings) Get(context.Context, string) (mappings.Mapping, error) {
	return mappings.Mapping{}, apierror.NotFound("The resource you requested does not exist.")
}
func (noMappings) Update(context.Context, string, mappings.Input) (mappings.Mapping, error) {
	return mappings.Mapping{}, apierror.NotFound("The resource you requested does not exist.")
}
func (noMappings) Delete(context.Context, string) (mappings.Mapping, error) {
	return mappings.Mapping{}, apierror.NotFound("The resource you requested does not exist.")
}
func (noMappings) List(context.Context, string, string) ([]mappings.Mapping, error) { return nil, nil }
func (noMappings) ARN(string) string                                                { return "" }

// mappingResource is the mapping an operation acts on, for authorization:
// the event-source-mapping ARN of the path's UUID, or every mapping.
func mappingResource(a *API, r *http.Request, _ []byte) []string {
	if uuid := r.PathValue("uuid"); uuid != "" {
		return []string{a.mappingsOrMissing().ARN(uuid)}
	}
	return nil
}
