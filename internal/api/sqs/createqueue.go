package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type createQueueInput struct {
	QueueName  string            `json:"QueueName"`
	Attributes map[string]string `json:"Attributes"`
	Tags       map[string]string `json:"tags"`
}

type createQueueOutput struct {
	QueueUrl string `json:"QueueUrl" xml:"QueueUrl"`
}

func createQueueQuery(p awsquery.Params) (*createQueueInput, error) {
	return &createQueueInput{QueueName: p.Get("QueueName"), Attributes: p.Map("Attribute", "Name", "Value"), Tags: p.Map("Tag", "Key", "Value")}, nil
}

func (a *API) createQueue(ctx context.Context, in *createQueueInput) (*createQueueOutput, error) {
	if in.QueueName == "" {
		return nil, missing("QueueName")
	}
	if err := a.authorize(ctx, "CreateQueue", in.QueueName); err != nil {
		return nil, err
	}
	q, err := a.q.Create(ctx, in.QueueName, in.Attributes, in.Tags)
	if err != nil {
		return nil, err
	}
	return &createQueueOutput{QueueUrl: a.queueURL(ctx, q.Name)}, nil
}
