package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listAttachedUserPolicies(ctx context.Context, p awsquery.Params) (any, error) {
	list, err := a.iam.ListAttachedUserPolicies(ctx, p.Get("UserName"), p.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	return attachedList(p, list)
}
