package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deleteTopic(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "TopicArn"); err != nil {
		return nil, err
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "DeleteTopic", arn); err != nil {
		return nil, err
	}
	return nil, a.o.Topics.DeleteTopic(ctx, arn)
}
