package sns

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/topics"
)

type subscriptionMember struct {
	SubscriptionArn string
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

type listSubscriptionsResult struct {
	Subscriptions []subscriptionMember `xml:"Subscriptions>member"`
	NextToken     string               `xml:",omitempty"`
}

func (a *API) listSubscriptions(ctx context.Context, p awsquery.Params) (any, error) {
	if err := a.authorize(ctx, "ListSubscriptions"); err != nil {
		return nil, err
	}
	all, err := a.o.Topics.Subscriptions(ctx, "")
	if err != nil {
		return nil, err
	}
	return subscriptionPage(all, p.Get("NextToken"))
}

func subscriptionPage(all []topics.SubscriptionInfo, token string) (any, error) {
	start, end, next, err := page(len(all), token)
	if err != nil {
		return nil, err
	}
	out := listSubscriptionsResult{Subscriptions: []subscriptionMember{}, NextToken: next}
	for _, s := range all[start:end] {
		out.Subscriptions = append(out.Subscriptions, subscriptionMember{
			SubscriptionArn: s.ARN, Owner: s.Owner, Protocol: s.Protocol, Endpoint: s.Endpoint, TopicArn: s.TopicARN,
		})
	}
	return out, nil
}
