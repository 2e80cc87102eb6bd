package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type deleteMessageInput struct {
	queueRef
	ReceiptHandle string `json:"ReceiptHandle"`
}

func deleteMessageQuery(p awsquery.Params) (*deleteMessageInput, error) {
	in := &deleteMessageInput{ReceiptHandle: p.Get("ReceiptHandle")}
	in.setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

func (a *API) deleteMessage(ctx context.Context, in *deleteMessageInput) (*empty, error) {
	name, err := a.target(ctx, in.QueueUrl, "DeleteMessage")
	if err != nil {
		return nil, err
	}
	if err := a.q.DeleteMessage(ctx, name, in.ReceiptHandle); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
