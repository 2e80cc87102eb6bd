package events

import (
	"context"

	"gust/internal/buses"
	"gust/internal/rules"
)

type untagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

func (a *API) untagResource(ctx context.Context, in *untagResourceInput) (*empty, error) {
	return &empty{}, a.changeTags(ctx, in.ResourceARN, func(have []rules.Tag) ([]rules.Tag, error) {
		return buses.RemoveTags(have, in.TagKeys), nil
	})
}
