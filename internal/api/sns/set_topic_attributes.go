package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) setTopicAttributes(ctx context.Context, p awsquery.Params) (any, error) {
	for _, name := range []string{"TopicArn", "AttributeName"} {
		if err := required(p, name); err != nil {
			return nil, err
		}
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "SetTopicAttributes", arn); err != nil {
		return nil, err
	}
	return nil, a.o.Topics.SetTopicAttribute(ctx, arn, p.Get("AttributeName"), p.Get("AttributeValue"))
}
