package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

type topicMember struct {
	TopicArn string
}

type listTopicsResult struct {
	Topics    []topicMember `xml:"Topics>member"`
	NextToken string        `xml:",omitempty"`
}

func (a *API) listTopics(ctx context.Context, p awsquery.Params) (any, error) {
	if err := a.authorize(ctx, "ListTopics"); err != nil {
		return nil, err
	}
	all, err := a.o.Topics.Topics(ctx)
	if err != nil {
		return nil, err
	}
	start, end, next, err := page(len(all), p.Get("NextToken"))
	if err != nil {
		return nil, err
	}
	out := listTopicsResult{Topics: []topicMember{}, NextToken: next}
	for _, t := range all[start:end] {
		out.Topics = append(out.Topics, topicMember{TopicArn: a.o.Topics.TopicARN(t.Name)})
	}
	return out, nil
}
