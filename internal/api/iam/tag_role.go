package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) tagRole(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.TagRole(ctx, p.Get("RoleName"), tags(p))
}
