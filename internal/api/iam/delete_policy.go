package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deletePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DeletePolicy(ctx, p.Get("PolicyArn"))
}
