package events

import (
	"context"

	"gust/internal/rules"
)

func (a *API) enableRule(ctx context.Context, in *ruleNameInput) (*empty, error) {
	return a.setState(ctx, in, rules.Enabled, "EnableRule")
}

func (a *API) setState(ctx context.Context, in *ruleNameInput, state, action string) (*empty, error) {
	if err := validName("name", in.Name); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	now := a.o.Now().UTC()
	_, err = a.o.Rules.Mutate(ctx, bus, in.Name, false, func(r *rules.Rule, _ bool) error {
		if r.State != state {
			r.State, r.Since = state, now
		}
		return nil
	})
	if err != nil {
		return nil, a.ruleError(err, bus, in.Name)
	}
	a.o.Buses.RulesChanged(bus)
	return &empty{}, nil
}
