package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) deleteUser(ctx context.Context, p awsquery.Params) (any, error) {
	return nil, a.iam.DeleteUser(ctx, p.Get("UserName"))
}
