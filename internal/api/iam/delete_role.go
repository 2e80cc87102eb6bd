package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deleteRole(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DeleteRole(ctx, p.Get("RoleName"))
}
