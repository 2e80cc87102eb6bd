package sqs

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

type listMessageMoveTasksInput struct {
	SourceArn  string `json:"SourceArn"`
	MaxResults *int   `json:"MaxResults"`
}

type moveTaskResult struct {
	TaskHandle                        string `json:"TaskHandle,omitempty" xml:"TaskHandle,omitempty"`
	Status                            string `json:"Status" xml:"Status"`
	SourceArn                         string `json:"SourceArn" xml:"SourceArn"`
	DestinationArn                    string `json:"DestinationArn,omitempty" xml:"DestinationArn,omitempty"`
	MaxNumberOfMessagesPerSecond      *int   `json:"MaxNumberOfMessagesPerSecond,omitempty" xml:"MaxNumberOfMessagesPerSecond,omitempty"`
	ApproximateNumberOfMessagesMoved  int64  `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
	ApproximateNumberOfMessagesToMove int64  `json:"ApproximateNumberOfMessagesToMove" xml:"ApproximateNumberOfMessagesToMove"`
	FailureReason                     string `json:"FailureReason,omitempty" xml:"FailureReason,omitempty"`
	StartedTimestamp                  int64  `json:"StartedTimestamp" xml:"StartedTimestamp"`
}

type listMessageMoveTasksOutput struct {
	Results []moveTaskResult `json:"Results"`
}

func listMessageMoveTasksQuery(p awsquery.Params) (*listMessageMoveTasksInput, error) {
	in := &listMessageMoveTasksInput{SourceArn: p.Get("SourceArn")}
	var err error
	in.MaxResults, err = optionalInt(p, "MaxResults")
	return in, err
}

func listMessageMoveTasksXML(o *listMessageMoveTasksOutput) any {
	return struct {
		Results []moveTaskResult `xml:"ListMessageMoveTasksResultEntry"`
	}{o.Results}
}

func (a *API) listMessageMoveTasks(ctx context.Context, in *listMessageMoveTasksInput) (*listMessageMoveTasksOutput, error) {
	if in.SourceArn == "" {
		return nil, missing("SourceArn")
	}
	if err := a.authorizeARN(ctx, "ListMessageMoveTasks", in.SourceArn); err != nil {
		return nil, err
	}
	max := 1
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10 {
			return nil, queues.InvalidParameter("Value %d for parameter MaxResults is invalid. Reason: must be between 1 and 10.", *in.MaxResults)
		}
		max = *in.MaxResults
	}
	out := &listMessageMoveTasksOutput{Results: []moveTaskResult{}}
	for _, t := range a.q.MoveTasks(in.SourceArn, max) {
		r := moveTaskResult{Status: t.Status, SourceArn: t.SourceARN, DestinationArn: t.DestinationARN,
			ApproximateNumberOfMessagesMoved: t.Moved, ApproximateNumberOfMessagesToMove: t.ToMove, FailureReason: t.FailureReason,
			StartedTimestamp: t.Started.UnixMilli()}
		if t.Status == "RUNNING" {
			r.TaskHandle = t.Handle
		}
		if t.MaxPerSecond > 0 {
			n := t.MaxPerSecond
			r.MaxNumberOfMessagesPerSecond = &n
		}
		out.Results = append(out.Results, r)
	}
	return out, nil
}
