package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) updateAssumeRolePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.UpdateAssumeRolePolicy(ctx, p.Get("RoleName"), p.Get("PolicyDocument"))
}
