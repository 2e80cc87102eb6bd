package events

import (
	"context"
	"errors"

	"gust/internal/apierror"
	"gust/internal/buses"
	"gust/internal/eventpattern"
	"gust/internal/rules"
	"gust/internal/schedule"
)

type putRuleInput struct {
	Name               string
	ScheduleExpression string
	EventPattern       string
	State              string
	Description        string
	RoleArn            string
	EventBusName       string
	Tags               []tagShape
}

type putRuleOutput struct {
	RuleArn string
}

func (a *API) putRule(ctx context.Context, in *putRuleInput) (*putRuleOutput, error) {
	if err := validName("name", in.Name); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	arn := a.o.Buses.RuleARN(bus, in.Name)
	if in.ScheduleExpression == "" && in.EventPattern == "" {
		return nil, apierror.Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.EventPattern != "" {
		if err := checkPattern(in.EventPattern); err != nil {
			return nil, err
		}
	}
	if in.ScheduleExpression != "" {
		if bus != rules.DefaultBus {
			return nil, apierror.Validation("ScheduleExpression is supported only on the default event bus.")
		}
		if _, err := schedule.Parse(in.ScheduleExpression, a.o.Now()); err != nil {
			return nil, apierror.Validation("%v", err)
		}
	}
	switch in.State {
	case "":
		in.State = rules.Enabled
	case rules.Enabled, rules.Disabled:
	default:
		return nil, apierror.Validation("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]", in.State)
	}
	tags := tagsIn(in.Tags)
	if err := buses.CheckTags(tags); err != nil {
		return nil, err
	}
	now := a.o.Now().UTC()
	_, err = a.o.Rules.Mutate(ctx, bus, in.Name, true, func(r *rules.Rule, exists bool) error {
		if !exists || r.ScheduleExpression != in.ScheduleExpression {
			r.Created = now // a new schedule counts its rate from now
		}
		if !exists || r.ScheduleExpression != in.ScheduleExpression || r.State != in.State {
			r.Since = now
		}
		r.ScheduleExpression, r.EventPattern, r.State = in.ScheduleExpression, in.EventPattern, in.State
		r.Description, r.RoleArn = in.Description, in.RoleArn
		r.Tags = buses.MergeTags(r.Tags, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.o.Buses.RulesChanged(bus)
	return &putRuleOutput{RuleArn: arn}, nil
}

// checkPattern refuses an event pattern as EventBridge does.
func checkPattern(pattern string) error {
	if len(pattern) > 4096 {
		return apierror.Validation("1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096")
	}
	_, err := eventpattern.Compile([]byte(pattern))
	var pe *eventpattern.Error
	if errors.As(err, &pe) {
		return apierror.New("InvalidEventPatternException", "Event pattern is not valid. Reason: %s", pe.Error())
	}
	return err
}
