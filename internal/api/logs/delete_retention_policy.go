package logs

import "context"

type deleteRetentionPolicyInput struct {
	LogGroupName string `json:"logGroupName"`
}

func (a *API) deleteRetentionPolicy(ctx context.Context, in *deleteRetentionPolicyInput) (*empty, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := a.store.SetRetention(ctx, in.LogGroupName, 0); err != nil {
		return nil, storeError(err)
	}
	return &empty{}, nil
}
