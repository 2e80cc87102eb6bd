package sqs

import "context"

type purgeQueueInput struct{ queueRef }

func (a *API) purgeQueue(ctx context.Context, in *purgeQueueInput) (*empty, error) {
	name, err := a.target(ctx, in.QueueUrl, "PurgeQueue")
	if err != nil {
		return nil, err
	}
	if err := a.q.Purge(ctx, name); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
