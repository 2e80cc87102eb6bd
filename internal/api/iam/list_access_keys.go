package iam

import (
	"context"
	"time"

	"gust/internal/api/awsquery"
)

func (a *API) listAccessKeys(ctx context.Context, p awsquery.Params) (any, error) {
	name, err := a.userName(ctx, p)
	if err != nil {
		return nil, err
	}
	keys, err := a.iam.ListAccessKeys(ctx, name)
	if err != nil {
		return nil, err
	}
	type metadata struct {
		UserName    string    `xml:"UserName"`
		AccessKeyID string    `xml:"AccessKeyId"`
		Status      string    `xml:"Status"`
		CreateDate  time.Time `xml:"CreateDate"`
	}
	out := struct {
		AccessKeyMetadata []metadata `xml:"AccessKeyMetadata>member"`
		page
	}{AccessKeyMetadata: []metadata{}}
	for _, k := range keys {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, metadata{k.UserName, k.AccessKeyID, k.Status, k.CreateDate})
	}
	return out, nil
}
