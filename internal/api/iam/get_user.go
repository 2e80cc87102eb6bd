package iam

import (
	"context"
	"strings"

	"gust/internal/api/awsquery"
	"gust/internal/apierror"
	"gust/internal/authz"
)

func (a *API) getUser(ctx context.Context, p awsquery.Params) (any, error) {
	name := p.Get("UserName")
	if name == "" {
		if c, ok := authz.CallerFrom(ctx); ok {
			id, err := a.iam.GetCallerIdentity(ctx, c)
			if err != nil {
				return nil, err
			}
			if strings.HasSuffix(id.ARN, ":root") { // the account root, as AWS answers it
				return struct {
					User userXML `xml:"User"`
				}{userXML{Path: "", UserID: id.Account, Arn: id.ARN}}, nil
			}
			if _, n, ok := strings.Cut(id.ARN, ":user/"); ok {
				name = n[strings.LastIndexByte(n, '/')+1:]
			} else {
				return nil, apierror.New("ValidationError", "Must specify userName when calling with non-User credentials").WithStatus(400)
			}
		}
	}
	u, err := a.iam.GetUser(ctx, name)
	if err != nil {
		return nil, err
	}
	return struct {
		User userXML `xml:"User"`
	}{userShape(u)}, nil
}
