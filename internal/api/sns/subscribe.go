package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

type subscriptionResult struct {
	SubscriptionArn string
}

func (a *API) subscribe(ctx context.Context, p awsquery.Params) (any, error) {
	for _, name := range []string{"TopicArn", "Protocol"} {
		if err := required(p, name); err != nil {
			return nil, err
		}
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "Subscribe", arn); err != nil {
		return nil, err
	}
	sub, err := a.o.Topics.Subscribe(ctx, arn, p.Get("Protocol"), p.Get("Endpoint"), a.o.AccountID,
		p.Map("Attributes", "key", "value"), p.Get("ReturnSubscriptionArn") == "true")
	if err != nil {
		return nil, err
	}
	return subscriptionResult{SubscriptionArn: sub}, nil
}
