package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) untagRole(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.UntagRole(ctx, p.Get("RoleName"), p.List("TagKeys"))
}
