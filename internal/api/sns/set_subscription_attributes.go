package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) setSubscriptionAttributes(ctx context.Context, p awsquery.Params) (any, error) {
	for _, name := range []string{"SubscriptionArn", "AttributeName"} {
		if err := required(p, name); err != nil {
			return nil, err
		}
	}
	arn := p.Get("SubscriptionArn")
	if err := a.authorize(ctx, "SetSubscriptionAttributes", arn); err != nil {
		return nil, err
	}
	return nil, a.o.Topics.SetSubscriptionAttribute(ctx, arn, p.Get("AttributeName"), p.Get("AttributeValue"))
}
