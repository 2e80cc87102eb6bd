package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deleteRolePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DeleteRolePolicy(ctx, p.Get("RoleName"), p.Get("PolicyName"))
}
