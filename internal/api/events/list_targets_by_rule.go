package events

import "context"

type listTargetsInput struct {
	Rule         string
	EventBusName string
	NextToken    string
	Limit        int
}

type listTargetsOutput struct {
	Targets   []targetShape
	NextToken string `json:",omitempty"`
}

func (a *API) listTargetsByRule(ctx context.Context, in *listTargetsInput) (*listTargetsOutput, error) {
	if err := validName("rule", in.Rule); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	r, err := a.o.Rules.Get(ctx, bus, in.Rule)
	if err != nil {
		return nil, a.ruleError(err, bus, in.Rule)
	}
	start, end, next, err := page(len(r.Targets), in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &listTargetsOutput{Targets: []targetShape{}, NextToken: next}
	for _, t := range r.Targets[start:end] {
		out.Targets = append(out.Targets, shapeOf(t))
	}
	return out, nil
}
