package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) attachUserPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.AttachUserPolicy(ctx, p.Get("UserName"), p.Get("PolicyArn"))
}
