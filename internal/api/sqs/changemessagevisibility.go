package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type changeMessageVisibilityInput struct {
	queueRef
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

func changeMessageVisibilityQuery(p awsquery.Params) (*changeMessageVisibilityInput, error) {
	in := &changeMessageVisibilityInput{ReceiptHandle: p.Get("ReceiptHandle")}
	in.setQueueURL(p.Get("QueueUrl"))
	var err error
	in.VisibilityTimeout, err = optionalInt(p, "VisibilityTimeout")
	return in, err
}

func (a *API) changeMessageVisibility(ctx context.Context, in *changeMessageVisibilityInput) (*empty, error) {
	name, err := a.target(ctx, in.QueueUrl, "ChangeMessageVisibility")
	if err != nil {
		return nil, err
	}
	if in.VisibilityTimeout == nil {
		return nil, missing("VisibilityTimeout")
	}
	if err := a.q.ChangeVisibility(ctx, name, in.ReceiptHandle, *in.VisibilityTimeout); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
