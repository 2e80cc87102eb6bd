package sqs

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

type getQueueURLInput struct {
	QueueName              string `json:"QueueName"`
	QueueOwnerAWSAccountId string `json:"QueueOwnerAWSAccountId"`
}

type getQueueURLOutput struct {
	QueueUrl string `json:"QueueUrl" xml:"QueueUrl"`
}

func getQueueURLQuery(p awsquery.Params) (*getQueueURLInput, error) {
	return &getQueueURLInput{QueueName: p.Get("QueueName"), QueueOwnerAWSAccountId: p.Get("QueueOwnerAWSAccountId")}, nil
}

func (a *API) getQueueURL(ctx context.Context, in *getQueueURLInput) (*getQueueURLOutput, error) {
	if in.QueueName == "" {
		return nil, missing("QueueName")
	}
	if err := a.authorize(ctx, "GetQueueUrl", in.QueueName); err != nil {
		return nil, err
	}
	if in.QueueOwnerAWSAccountId != "" && in.QueueOwnerAWSAccountId != a.q.AccountID() {
		return nil, noQueue()
	}
	q, err := a.q.Get(ctx, in.QueueName)
	if err != nil {
		return nil, err
	}
	return &getQueueURLOutput{QueueUrl: a.queueURL(ctx, q.Name)}, nil
}

func missing(name string) error { return queues.MissingParameter(name) }
