package events

import (
	"context"
	"encoding/json"

	"gust/internal/apierror"
	"gust/internal/eventpattern"
)

type testEventPatternInput struct {
	EventPattern string
	Event        string
}

type testEventPatternOutput struct {
	Result bool
}

// requiredEventFields are the fields TestEventPattern insists an event has.
var requiredEventFields = []string{"id", "account", "source", "time", "region", "detail-type"}

func (a *API) testEventPattern(ctx context.Context, in *testEventPatternInput) (*testEventPatternOutput, error) {
	if err := checkPattern(in.EventPattern); err != nil {
		return nil, err
	}
	var ev map[string]json.RawMessage
	if err := json.Unmarshal([]byte(in.Event), &ev); err != nil {
		return nil, apierror.Validation("Parameter Event is not valid.")
	}
	for _, f := range requiredEventFields {
		if _, ok := ev[f]; !ok {
			return nil, apierror.Validation("Parameter Event is not valid.")
		}
	}
	p, err := eventpattern.Compile([]byte(in.EventPattern))
	if err != nil {
		return nil, err
	}
	ok, err := p.Match([]byte(in.Event))
	if err != nil {
		return nil, apierror.Validation("Parameter Event is not valid.")
	}
	return &testEventPatternOutput{Result: ok}, nil
}
