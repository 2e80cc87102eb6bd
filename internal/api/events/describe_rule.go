package events

import "context"

type ruleNameInput struct {
	Name         string
	EventBusName string
}

// ruleShape is the Rule and DescribeRuleResponse shape.
type ruleShape struct {
	Name               string
	Arn                string
	EventPattern       string `json:",omitempty"`
	ScheduleExpression string `json:",omitempty"`
	State              string
	Description        string `json:",omitempty"`
	RoleArn            string `json:",omitempty"`
	EventBusName       string
	CreatedBy          string `json:",omitempty"`
}

func (a *API) describeRule(ctx context.Context, in *ruleNameInput) (*ruleShape, error) {
	if err := validName("name", in.Name); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	r, err := a.o.Rules.Get(ctx, bus, in.Name)
	if err != nil {
		return nil, a.ruleError(err, bus, in.Name)
	}
	out := a.shape(r)
	out.CreatedBy = a.o.AccountID
	return &out, nil
}
