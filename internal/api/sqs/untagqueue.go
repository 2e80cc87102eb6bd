package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type untagQueueInput struct {
	queueRef
	TagKeys []string `json:"TagKeys"`
}

func untagQueueQuery(p awsquery.Params) (*untagQueueInput, error) {
	in := &untagQueueInput{TagKeys: p.List("TagKey")}
	in.setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

func (a *API) untagQueue(ctx context.Context, in *untagQueueInput) (*empty, error) {
	name, err := a.target(ctx, in.QueueUrl, "UntagQueue")
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, missing("TagKeys")
	}
	if err := a.q.Untag(ctx, name, in.TagKeys); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
