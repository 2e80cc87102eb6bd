package logs

import "context"

type deleteLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

func (a *API) deleteLogGroup(ctx context.Context, in *deleteLogGroupInput) (*empty, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := a.store.DeleteGroup(ctx, in.LogGroupName); err != nil {
		return nil, storeError(err)
	}
	return &empty{}, nil
}
