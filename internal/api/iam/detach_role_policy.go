package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) detachRolePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DetachRolePolicy(ctx, p.Get("RoleName"), p.Get("PolicyArn"))
}
