package iam

import (
	"context"
	"time"

	"gust/internal/api/awsquery"
)

func (a *API) getPolicyVersion(ctx context.Context, p awsquery.Params) (any, error) {
	pol, err := a.iam.GetPolicyVersion(ctx, p.Get("PolicyArn"), p.Get("VersionId"))
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyVersion struct {
			Document         string    `xml:"Document"`
			VersionID        string    `xml:"VersionId"`
			IsDefaultVersion bool      `xml:"IsDefaultVersion"`
			CreateDate       time.Time `xml:"CreateDate"`
		} `xml:"PolicyVersion"`
	}{PolicyVersion: struct {
		Document         string    `xml:"Document"`
		VersionID        string    `xml:"VersionId"`
		IsDefaultVersion bool      `xml:"IsDefaultVersion"`
		CreateDate       time.Time `xml:"CreateDate"`
	}{encodeDocument(pol.Document), pol.VersionID, true, pol.UpdateDate}}, nil
}
