package events

import (
	"context"

	"gust/internal/apierror"
)

type createEventBusInput struct {
	Name            string
	EventSourceName string
	Description     string
	Tags            []tagShape
}

type createEventBusOutput struct {
	EventBusArn string
	Description string `json:",omitempty"`
}

func (a *API) createEventBus(ctx context.Context, in *createEventBusInput) (*createEventBusOutput, error) {
	if in.EventSourceName != "" {
		return nil, apierror.Validation("Partner event sources are not supported by Gust.")
	}
	if len(in.Description) > 512 {
		return nil, apierror.Validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512")
	}
	arn, err := a.o.Buses.CreateBus(ctx, in.Name, in.Description, tagsIn(in.Tags))
	if err != nil {
		return nil, err
	}
	return &createEventBusOutput{EventBusArn: arn, Description: in.Description}, nil
}
