package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type visibilityEntry struct {
	Id                string `json:"Id"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

type changeMessageVisibilityBatchInput struct {
	queueRef
	Entries []visibilityEntry `json:"Entries"`
}

func changeMessageVisibilityBatchQuery(p awsquery.Params) (*changeMessageVisibilityBatchInput, error) {
	in := &changeMessageVisibilityBatchInput{}
	in.setQueueURL(p.Get("QueueUrl"))
	for _, e := range p.Indexed("ChangeMessageVisibilityBatchRequestEntry") {
		vt, err := optionalInt(e, "VisibilityTimeout")
		if err != nil {
			return nil, err
		}
		in.Entries = append(in.Entries, visibilityEntry{Id: e.Get("Id"), ReceiptHandle: e.Get("ReceiptHandle"), VisibilityTimeout: vt})
	}
	return in, nil
}

func (a *API) changeMessageVisibilityBatch(ctx context.Context, in *changeMessageVisibilityBatchInput) (*idBatchOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "ChangeMessageVisibility")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch(ids, "ChangeMessageVisibilityBatchRequestEntry"); err != nil {
		return nil, err
	}
	out := &idBatchOutput{Successful: []batchID{}, Failed: []batchError{}}
	for _, e := range in.Entries {
		vt := 0
		if e.VisibilityTimeout != nil {
			vt = *e.VisibilityTimeout
		}
		if err := a.q.ChangeVisibility(ctx, name, e.ReceiptHandle, vt); err != nil {
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
