package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) putUserPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.PutUserPolicy(ctx, p.Get("UserName"), p.Get("PolicyName"), p.Get("PolicyDocument"))
}
