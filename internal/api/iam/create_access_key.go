package iam

import (
	"context"
	"time"

	"gust/internal/api/awsquery"
)

func (a *API) createAccessKey(ctx context.Context, p awsquery.Params) (any, error) {
	name, err := a.userName(ctx, p)
	if err != nil {
		return nil, err
	}
	k, err := a.iam.CreateAccessKey(ctx, name)
	if err != nil {
		return nil, err
	}
	return struct {
		AccessKey struct {
			UserName        string    `xml:"UserName"`
			AccessKeyID     string    `xml:"AccessKeyId"`
			Status          string    `xml:"Status"`
			SecretAccessKey string    `xml:"SecretAccessKey"`
			CreateDate      time.Time `xml:"CreateDate"`
		} `xml:"AccessKey"`
	}{AccessKey: struct {
		UserName        string    `xml:"UserName"`
		AccessKeyID     string    `xml:"AccessKeyId"`
		Status          string    `xml:"Status"`
		SecretAccessKey string    `xml:"SecretAccessKey"`
		CreateDate      time.Time `xml:"CreateDate"`
	}{k.UserName, k.AccessKeyID, k.Status, k.SecretAccessKey, k.CreateDate}}, nil
}
