package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listRoles(ctx context.Context, p awsquery.Params) (any, error) {
	roles, err := a.iam.ListRoles(ctx, p.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	roles, pg, err := paginate(p, roles)
	if err != nil {
		return nil, err
	}
	out := struct {
		Roles []roleXML `xml:"Roles>member"`
		page
	}{Roles: []roleXML{}, page: pg}
	for _, r := range roles {
		x := roleShape(r)
		x.Tags = nil // ListRoles leaves tags out, as AWS
		out.Roles = append(out.Roles, x)
	}
	return out, nil
}
