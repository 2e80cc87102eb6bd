package events

import (
	"context"

	"gust/internal/rules"
)

type listTagsInput struct {
	ResourceARN string
}

type listTagsOutput struct {
	Tags []tagShape
}

func (a *API) listTagsForResource(ctx context.Context, in *listTagsInput) (*listTagsOutput, error) {
	kind, bus, name, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	var tags []rules.Tag
	if kind == "bus" {
		b, err := a.o.Buses.DescribeBus(ctx, bus)
		if err != nil {
			return nil, err
		}
		tags = b.Tags
	} else {
		if _, err := a.o.Buses.BusName(ctx, bus); err != nil {
			return nil, a.ruleError(rules.ErrNotFound, bus, name)
		}
		r, err := a.o.Rules.Get(ctx, bus, name)
		if err != nil {
			return nil, a.ruleError(err, bus, name)
		}
		tags = r.Tags
	}
	return &listTagsOutput{Tags: tagsOut(tags)}, nil
}
