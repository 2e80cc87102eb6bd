package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) putRolePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.PutRolePolicy(ctx, p.Get("RoleName"), p.Get("PolicyName"), p.Get("PolicyDocument"))
}
