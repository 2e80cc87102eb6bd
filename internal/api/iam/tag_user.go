package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) tagUser(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.TagUser(ctx, p.Get("UserName"), tags(p))
}
