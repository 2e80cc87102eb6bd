package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type deleteMessageBatchInput struct {
	queueRef
	Entries []struct {
		Id            string `json:"Id"`
		ReceiptHandle string `json:"ReceiptHandle"`
	} `json:"Entries"`
}

func deleteMessageBatchQuery(p awsquery.Params) (*deleteMessageBatchInput, error) {
	in := &deleteMessageBatchInput{}
	in.setQueueURL(p.Get("QueueUrl"))
	for _, e := range p.Indexed("DeleteMessageBatchRequestEntry") {
		in.Entries = append(in.Entries, struct {
			Id            string `json:"Id"`
			ReceiptHandle string `json:"ReceiptHandle"`
		}{e.Get("Id"), e.Get("ReceiptHandle")})
	}
	return in, nil
}

func (a *API) deleteMessageBatch(ctx context.Context, in *deleteMessageBatchInput) (*idBatchOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "DeleteMessage")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch(ids, "DeleteMessageBatchRequestEntry"); err != nil {
		return nil, err
	}
	out := &idBatchOutput{Successful: []batchID{}, Failed: []batchError{}}
	for _, e := range in.Entries {
		if err := a.q.DeleteMessage(ctx, name, e.ReceiptHandle); err != nil {
			f, err := failed(e.Id, err)
			if err != nil {
				return nil, err
			}
			out.Failed = append(out.Failed, f)
			continue
		}
		out.Successful = append(out.Successful, batchID{e.Id})
	}
	return out, nil
}
