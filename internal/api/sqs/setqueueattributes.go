package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type setQueueAttributesInput struct {
	queueRef
	Attributes map[string]string `json:"Attributes"`
}

func setQueueAttributesQuery(p awsquery.Params) (*setQueueAttributesInput, error) {
	in := &setQueueAttributesInput{Attributes: p.Map("Attribute", "Name", "Value")}
	in.setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

func (a *API) setQueueAttributes(ctx context.Context, in *setQueueAttributesInput) (*empty, error) {
	name, err := a.target(ctx, in.QueueUrl, "SetQueueAttributes")
	if err != nil {
		return nil, err
	}
	if in.Attributes == nil {
		return nil, missing("Attribute.1.Name")
	}
	if err := a.q.SetAttributes(ctx, name, in.Attributes); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
