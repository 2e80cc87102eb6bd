package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type listDeadLetterSourceQueuesInput struct {
	queueRef
	NextToken  string `json:"NextToken"`
	MaxResults *int   `json:"MaxResults"`
}

type listDeadLetterSourceQueuesOutput struct {
	QueueUrls []string `json:"queueUrls"`
	NextToken string   `json:"NextToken,omitempty"`
}

func listDeadLetterSourceQueuesQuery(p awsquery.Params) (*listDeadLetterSourceQueuesInput, error) {
	in := &listDeadLetterSourceQueuesInput{NextToken: p.Get("NextToken")}
	in.setQueueURL(p.Get("QueueUrl"))
	var err error
	in.MaxResults, err = optionalInt(p, "MaxResults")
	return in, err
}

func listDeadLetterSourceQueuesXML(o *listDeadLetterSourceQueuesOutput) any {
	return struct {
		QueueUrls []string `xml:"QueueUrl"`
		NextToken string   `xml:"NextToken,omitempty"`
	}{o.QueueUrls, o.NextToken}
}

func (a *API) listDeadLetterSourceQueues(ctx context.Context, in *listDeadLetterSourceQueuesInput) (*listDeadLetterSourceQueuesOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "ListDeadLetterSourceQueues")
	if err != nil {
		return nil, err
	}
	names, err := a.q.DeadLetterSources(ctx, name)
	if err != nil {
		return nil, err
	}
	urls, next, err := page(names, in.NextToken, in.MaxResults, func(n string) string { return a.queueURL(ctx, n) })
	if err != nil {
		return nil, err
	}
	if urls == nil {
		urls = []string{}
	}
	return &listDeadLetterSourceQueuesOutput{QueueUrls: urls, NextToken: next}, nil
}
