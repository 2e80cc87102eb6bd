package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listSubscriptionsByTopic(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "TopicArn"); err != nil {
		return nil, err
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "ListSubscriptionsByTopic", arn); err != nil {
		return nil, err
	}
	all, err := a.o.Topics.Subscriptions(ctx, arn)
	if err != nil {
		return nil, err
	}
	return subscriptionPage(all, p.Get("NextToken"))
}
