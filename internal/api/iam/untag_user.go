package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) untagUser(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.UntagUser(ctx, p.Get("UserName"), p.List("TagKeys"))
}
