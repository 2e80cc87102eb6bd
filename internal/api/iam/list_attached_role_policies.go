package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listAttachedRolePolicies(ctx context.Context, p awsquery.Params) (any, error) {
	list, err := a.iam.ListAttachedRolePolicies(ctx, p.Get("RoleName"), p.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	return attachedList(p, list)
}
