package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) confirmSubscription(ctx context.Context, p awsquery.Params) (any, error) {
	for _, name := range []string{"TopicArn", "Token"} {
		if err := required(p, name); err != nil {
			return nil, err
		}
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "ConfirmSubscription", arn); err != nil {
		return nil, err
	}
	sub, err := a.o.Topics.ConfirmSubscription(ctx, arn, p.Get("Token"))
	if err != nil {
		return nil, err
	}
	return subscriptionResult{SubscriptionArn: sub}, nil
}
