package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) getPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	pol, err := a.iam.GetPolicy(ctx, p.Get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	return struct {
		Policy policyXML `xml:"Policy"`
	}{policyShape(pol)}, nil
}
