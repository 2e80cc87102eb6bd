package iam

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/iam"
)

func (a *API) createPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	pol, err := a.iam.CreatePolicy(ctx, iam.CreatePolicyInput{Name: p.Get("PolicyName"), Path: p.Get("Path"),
		Document: p.Get("PolicyDocument"), Description: p.Get("Description"), Tags: tags(p)})
	if err != nil {
		return nil, err
	}
	x := policyShape(pol)
	x.Description = "" // CreatePolicy does not echo it, as AWS
	return struct {
		Policy policyXML `xml:"Policy"`
	}{x}, nil
}
