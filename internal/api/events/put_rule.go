package events

import (
	"context"
	"encoding/json"

	"gust/internal/apierror"
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
}

type putRuleOutput struct {
	RuleArn string
}

func (a *API) putRule(ctx context.Context, in *putRuleInput) (*putRuleOutput, error) {
	if err := validName("name", in.Name); err != nil {
		return nil, err
	}
	if err := a.checkBus(in.EventBusName); err != nil {
		return nil, err
	}
	if in.ScheduleExpression == "" && in.EventPattern == "" {
		return nil, apierror.Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if in.EventPattern != "" && !json.Valid([]byte(in.EventPattern)) {
		return nil, apierror.New("InvalidEventPatternException", "Event pattern is not valid. Reason: not JSON")
	}
	if in.ScheduleExpression != "" {
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
	now := a.o.Now().UTC()
	_, err := a.o.Rules.Mutate(ctx, in.Name, true, func(r *rules.Rule, exists bool) error {
		if !exists || r.ScheduleExpression != in.ScheduleExpression {
			r.Created = now // a new schedule counts its rate from now
		}
		if !exists || r.ScheduleExpression != in.ScheduleExpression || r.State != in.State {
			r.Since = now
		}
		r.ScheduleExpression, r.EventPattern, r.State = in.ScheduleExpression, in.EventPattern, in.State
		r.Description, r.RoleArn = in.Description, in.RoleArn
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &putRuleOutput{RuleArn: a.o.Scheduler.RuleARN(in.Name)}, nil
}
