package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) attachRolePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.AttachRolePolicy(ctx, p.Get("RoleName"), p.Get("PolicyArn"))
}
