package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) tagResource(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "ResourceArn"); err != nil {
		return nil, err
	}
	arn := p.Get("ResourceArn")
	if err := a.authorize(ctx, "TagResource", arn); err != nil {
		return nil, err
	}
	if err := a.o.Topics.TagTopic(ctx, arn, tagsOf(p, "Tags")); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
