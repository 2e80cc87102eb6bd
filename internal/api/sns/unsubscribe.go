package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) unsubscribe(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "SubscriptionArn"); err != nil {
		return nil, err
	}
	arn := p.Get("SubscriptionArn")
	if err := a.authorize(ctx, "Unsubscribe", arn); err != nil {
		return nil, err
	}
	return nil, a.o.Topics.Unsubscribe(ctx, arn)
}
