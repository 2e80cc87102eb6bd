package sns

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/topics"
)

type batchSuccess struct {
	Id             string
	MessageId      string
	SequenceNumber string `xml:",omitempty"`
}

type batchFailure struct {
	Id          string
	Code        string
	Message     string
	SenderFault bool
}

type publishBatchResult struct {
	Successful []batchSuccess `xml:"Successful>member"`
	Failed     []batchFailure `xml:"Failed>member"`
}

func (a *API) publishBatch(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "TopicArn"); err != nil {
		return nil, err
	}
	arn := p.Get("TopicArn")
	if err := a.authorize(ctx, "Publish", arn); err != nil {
		return nil, err
	}
	var list []topics.BatchEntry
	for _, e := range p.Indexed("PublishBatchRequestEntries") {
		pub, err := publication(e)
		if err != nil {
			return nil, err
		}
		list = append(list, topics.BatchEntry{ID: e.Get("Id"), Publication: pub})
	}
	ok, failed, err := a.o.Topics.PublishBatch(ctx, arn, list)
	if err != nil {
		return nil, err
	}
	out := publishBatchResult{Successful: []batchSuccess{}, Failed: []batchFailure{}}
	for _, r := range ok {
		out.Successful = append(out.Successful, batchSuccess{Id: r.ID, MessageId: r.MessageID, SequenceNumber: r.Sequence})
	}
	for _, f := range failed {
		out.Failed = append(out.Failed, batchFailure{Id: f.ID, Code: f.Code, Message: f.Message, SenderFault: f.SenderFault})
	}
	return out, nil
}
