package sqs

import "context"

type deleteQueueInput struct{ queueRef }

type deleteQueueOutput struct{}

func (a *API) deleteQueue(ctx context.Context, in *deleteQueueInput) (*deleteQueueOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "DeleteQueue")
	if err != nil {
		return nil, err
	}
	if err := a.q.Delete(ctx, name); err != nil {
		return nil, err
	}
	return &deleteQueueOutput{}, nil
}
