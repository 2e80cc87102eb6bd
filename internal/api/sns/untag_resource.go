package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) untagResource(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "ResourceArn"); err != nil {
		return nil, err
	}
	arn := p.Get("ResourceArn")
	if err := a.authorize(ctx, "UntagResource", arn); err != nil {
		return nil, err
	}
	if err := a.o.Topics.UntagTopic(ctx, arn, p.List("TagKeys")); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
