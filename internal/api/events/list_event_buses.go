package events

import (
	"context"

	"gust/internal/apierror"
)

type listEventBusesInput struct {
	NamePrefix string
	NextToken  string
	Limit      int
}

type listEventBusesOutput struct {
	EventBuses []busShape
	NextToken  string `json:",omitempty"`
}

func (a *API) listEventBuses(ctx context.Context, in *listEventBusesInput) (*listEventBusesOutput, error) {
	if in.Limit < 0 || in.Limit > 100 {
		return nil, apierror.Validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", in.Limit)
	}
	all, err := a.o.Buses.Buses(ctx, in.NamePrefix)
	if err != nil {
		return nil, err
	}
	start, end, next, err := page(len(all), in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &listEventBusesOutput{EventBuses: []busShape{}, NextToken: next}
	for _, b := range all[start:end] {
		out.EventBuses = append(out.EventBuses, a.busShape(b))
	}
	return out, nil
}
