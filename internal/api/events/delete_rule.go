package events

import (
	"context"
	"errors"

	"gust/internal/apierror"
	"gust/internal/rules"
)

type deleteRuleInput struct {
	Name         string
	EventBusName string
	Force        bool
}

func (a *API) deleteRule(ctx context.Context, in *deleteRuleInput) (*empty, error) {
	if err := validName("name", in.Name); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	r, err := a.o.Rules.Get(ctx, bus, in.Name)
	if err != nil {
		if err := a.ruleError(err, bus, in.Name); errors.Is(err, apierror.ResourceNotFoundException) {
			return &empty{}, nil // deleting a missing rule succeeds on AWS
		}
		return nil, err
	}
	if len(r.Targets) > 0 {
		return nil, apierror.Validation("Rule can't be deleted since it has targets.")
	}
	if err := a.o.Rules.Delete(ctx, bus, in.Name); err != nil && !errors.Is(err, rules.ErrNotFound) {
		return nil, err
	}
	a.o.Buses.RulesChanged(bus)
	if bus == rules.DefaultBus {
		if err := a.o.Scheduler.Forget(ctx, in.Name); err != nil {
			return nil, err
		}
	}
	return &empty{}, nil
}
