package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deleteAccessKey(ctx context.Context, p awsquery.Params) (any, error) {
	name, err := a.userName(ctx, p)
	if err != nil {
		return nil, err
	}
	return nil, a.iam.DeleteAccessKey(ctx, name, p.Get("AccessKeyId"))
}
