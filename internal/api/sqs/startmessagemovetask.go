package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type startMessageMoveTaskInput struct {
	SourceArn                    string `json:"SourceArn"`
	DestinationArn               string `json:"DestinationArn"`
	MaxNumberOfMessagesPerSecond *int   `json:"MaxNumberOfMessagesPerSecond"`
}

type startMessageMoveTaskOutput struct {
	TaskHandle string `json:"TaskHandle" xml:"TaskHandle"`
}

func startMessageMoveTaskQuery(p awsquery.Params) (*startMessageMoveTaskInput, error) {
	in := &startMessageMoveTaskInput{SourceArn: p.Get("SourceArn"), DestinationArn: p.Get("DestinationArn")}
	var err error
	in.MaxNumberOfMessagesPerSecond, err = optionalInt(p, "MaxNumberOfMessagesPerSecond")
	return in, err
}

func (a *API) startMessageMoveTask(ctx context.Context, in *startMessageMoveTaskInput) (*startMessageMoveTaskOutput, error) {
	if in.SourceArn == "" {
		return nil, missing("SourceArn")
	}
	if err := a.authorizeARN(ctx, "StartMessageMoveTask", in.SourceArn); err != nil {
		return nil, err
	}
	rate := 0
	if in.MaxNumberOfMessagesPerSecond != nil {
		rate = *in.MaxNumberOfMessagesPerSecond
		if rate < 1 {
			rate = -1 // refused by the queues' range check
		}
	}
	h, err := a.q.StartMoveTask(ctx, in.SourceArn, in.DestinationArn, rate)
	if err != nil {
		return nil, err
	}
	return &startMessageMoveTaskOutput{TaskHandle: h}, nil
}
