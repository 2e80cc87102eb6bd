package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type tagQueueInput struct {
	queueRef
	Tags map[string]string `json:"Tags"`
}

func tagQueueQuery(p awsquery.Params) (*tagQueueInput, error) {
	in := &tagQueueInput{Tags: p.Map("Tag", "Key", "Value")}
	in.setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

func (a *API) tagQueue(ctx context.Context, in *tagQueueInput) (*empty, error) {
	name, err := a.target(ctx, in.QueueUrl, "TagQueue")
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, missing("Tags")
	}
	if err := a.q.Tag(ctx, name, in.Tags); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
