package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deleteUserPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DeleteUserPolicy(ctx, p.Get("UserName"), p.Get("PolicyName"))
}
