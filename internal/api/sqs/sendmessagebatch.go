package sqs

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

type sendMessageBatchInput struct {
	queueRef
	Entries []sendBatchEntry `json:"Entries"`
}

type sendBatchEntry struct {
	Id string `json:"Id"`
	sendEntry
}

type sendBatchResult struct {
	Id string `json:"Id" xml:"Id"`
	sendMessageOutput
}

type sendMessageBatchOutput struct {
	Successful []sendBatchResult `json:"Successful"`
	Failed     []batchError      `json:"Failed"`
}

func sendMessageBatchQuery(p awsquery.Params) (*sendMessageBatchInput, error) {
	in := &sendMessageBatchInput{}
	in.setQueueURL(p.Get("QueueUrl"))
	for _, e := range p.Indexed("SendMessageBatchRequestEntry") {
		entry, err := sendEntryQuery(e)
		if err != nil {
			return nil, err
		}
		in.Entries = append(in.Entries, sendBatchEntry{Id: e.Get("Id"), sendEntry: entry})
	}
	return in, nil
}

func sendMessageBatchXML(o *sendMessageBatchOutput) any {
	return struct {
		Successful []sendBatchResult `xml:"SendMessageBatchResultEntry"`
		Failed     []batchError      `xml:"BatchResultErrorEntry"`
	}{o.Successful, o.Failed}
}

func (a *API) sendMessageBatch(ctx context.Context, in *sendMessageBatchInput) (*sendMessageBatchOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "SendMessage")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if err := checkBatch(ids, "SendMessageBatchRequestEntry"); err != nil {
		return nil, err
	}
	total := 0
	msgs := make([]queues.Message, len(in.Entries))
	md5s := make([]string, len(in.Entries))
	errs := make([]error, len(in.Entries))
	for i, e := range in.Entries {
		msgs[i], md5s[i], errs[i] = e.message()
		if e.MessageBody == "" && errs[i] == nil {
			errs[i] = missing("MessageBody")
		}
		total += queues.MessageSize(msgs[i])
	}
	if total > queues.MaxMessageBytes {
		return nil, apiErr(queues.CodeBatchTooLong, "Batch requests cannot be longer than %d bytes. You have sent %d bytes.", queues.MaxMessageBytes, total)
	}
	out := &sendMessageBatchOutput{Successful: []sendBatchResult{}, Failed: []batchError{}}
	for i, e := range in.Entries {
		err := errs[i]
		var sent queues.Sent
		if err == nil {
			sent, err = a.q.Send(ctx, name, msgs[i])
		}
		if err != nil {
			f, err := failed(e.Id, err)
			if err != nil {
				return nil, err
			}
			out.Failed = append(out.Failed, f)
			continue
		}
		out.Successful = append(out.Successful, sendBatchResult{Id: e.Id, sendMessageOutput: sendMessageOutput{
			MD5OfMessageBody: sent.MD5OfBody, MD5OfMessageAttributes: sent.MD5OfAttributes, MD5OfMessageSystemAttributes: md5s[i],
			MessageId: sent.MessageID, SequenceNumber: sent.SequenceNumber,
		}})
	}
	return out, nil
}
