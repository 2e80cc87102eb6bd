package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) getSubscriptionAttributes(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "SubscriptionArn"); err != nil {
		return nil, err
	}
	arn := p.Get("SubscriptionArn")
	if err := a.authorize(ctx, "GetSubscriptionAttributes", arn); err != nil {
		return nil, err
	}
	attrs, err := a.o.Topics.SubscriptionAttributes(ctx, arn)
	if err != nil {
		return nil, err
	}
	return attributesResult{Attributes: entries(attrs)}, nil
}
