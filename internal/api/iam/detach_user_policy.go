package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) detachUserPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DetachUserPolicy(ctx, p.Get("UserName"), p.Get("PolicyArn"))
}
