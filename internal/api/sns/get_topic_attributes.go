package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

type attributesResult struct {
	Attributes []attributeEntry `xml:"Attributes>entry"`
}

func (a *API) getTopicAttributes(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "TopicArn"); err != nil {
		return nil, err
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "GetTopicAttributes", arn); err != nil {
		return nil, err
	}
	attrs, err := a.o.Topics.TopicAttributes(ctx, arn)
	if err != nil {
		return nil, err
	}
	return attributesResult{Attributes: entries(attrs)}, nil
}
