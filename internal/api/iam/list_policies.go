package iam

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/iam"
)

func (a *API) listPolicies(ctx context.Context, p awsquery.Params) (any, error) {
	list, err := a.iam.ListPolicies(ctx, iam.ListPoliciesInput{Scope: p.Get("Scope"), OnlyAttached: boolParam(p, "OnlyAttached"), PathPrefix: p.Get("PathPrefix")})
	if err != nil {
		return nil, err
	}
	list, pg, err := paginate(p, list)
	if err != nil {
		return nil, err
	}
	out := struct {
		Policies []policyXML `xml:"Policies>member"`
		page
	}{Policies: []policyXML{}, page: pg}
	for _, pol := range list {
		x := policyShape(pol)
		x.Description, x.Tags = "", nil
		out.Policies = append(out.Policies, x)
	}
	return out, nil
}
