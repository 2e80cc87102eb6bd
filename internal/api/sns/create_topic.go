package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

type createTopicResult struct {
	TopicArn string
}

func (a *API) createTopic(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "Name"); err != nil {
		return nil, err
	}
	name := p.Get("Name")
	if err := a.authorize(ctx, "CreateTopic", a.o.Topics.TopicARN(name)); err != nil {
		return nil, err
	}
	arn, err := a.o.Topics.CreateTopic(ctx, name, p.Map("Attributes", "key", "value"), tagsOf(p, "Tags"))
	if err != nil {
		return nil, err
	}
	return createTopicResult{TopicArn: arn}, nil
}
