package events

import (
	"context"
	"strconv"

	"gust/internal/apierror"
)

type listRulesInput struct {
	NamePrefix   string
	EventBusName string
	NextToken    string
	Limit        int
}

type listRulesOutput struct {
	Rules     []ruleShape
	NextToken string `json:",omitempty"`
}

func (a *API) listRules(ctx context.Context, in *listRulesInput) (*listRulesOutput, error) {
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	if in.Limit < 0 || in.Limit > 100 {
		return nil, apierror.Validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", in.Limit)
	}
	all, err := a.o.Rules.List(ctx, bus, in.NamePrefix)
	if err != nil {
		return nil, err
	}
	start, end, next, err := page(len(all), in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &listRulesOutput{Rules: []ruleShape{}, NextToken: next}
	for _, r := range all[start:end] {
		out.Rules = append(out.Rules, a.shape(r))
	}
	return out, nil
}

// page slices n items by an offset token and a limit (0 = 100).
func page(n int, token string, limit int) (start, end int, next string, err error) {
	if limit == 0 {
		limit = 100
	}
	if token != "" {
		if start, err = strconv.Atoi(token); err != nil || start < 0 || start > n {
			return 0, 0, "", apierror.Validation("The NextToken provided is invalid.")
		}
	}
	end = min(n, start+limit)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}
