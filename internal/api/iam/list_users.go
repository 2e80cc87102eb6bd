package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listUsers(ctx context.Context, p awsquery.Params) (any, error) {
	users, err := a.iam.ListUsers(ctx, p.Get("PathPrefix"))
	if err != nil {
		return nil, err
	}
	users, pg, err := paginate(p, users)
	if err != nil {
		return nil, err
	}
	out := struct {
		Users []userXML `xml:"Users>member"`
		page
	}{Users: []userXML{}, page: pg}
	for _, u := range users {
		x := userShape(u)
		x.Tags = nil
		out.Users = append(out.Users, x)
	}
	return out, nil
}
