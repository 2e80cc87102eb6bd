package events

import (
	"context"
	"slices"

	"gust/internal/rules"
)

type removeTargetsInput struct {
	Rule         string
	EventBusName string
	Ids          []string
	Force        bool
}

func (a *API) removeTargets(ctx context.Context, in *removeTargetsInput) (*targetsResult, error) {
	if err := validName("rule", in.Rule); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	_, err = a.o.Rules.Mutate(ctx, bus, in.Rule, false, func(r *rules.Rule, _ bool) error {
		r.Targets = slices.DeleteFunc(r.Targets, func(t rules.Target) bool { return slices.Contains(in.Ids, t.ID) })
		return nil
	})
	if err != nil {
		return nil, a.ruleError(err, bus, in.Rule)
	}
	a.o.Buses.RulesChanged(bus)
	return &targetsResult{FailedEntries: []failedEntry{}}, nil
}
