package sns

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/apierror"
	"gust/internal/topics"
)

type publishResult struct {
	MessageId      string
	SequenceNumber string `xml:",omitempty"`
}

func (a *API) publish(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "Message"); err != nil {
		return nil, err
	}
	arn := p.Get("TopicArn")
	if arn == "" {
		arn = p.Get("TargetArn")
	}
	if arn == "" {
		if p.Has("PhoneNumber") {
			return nil, apierror.New("InvalidParameter", "Invalid parameter: PhoneNumber Reason: SMS is not supported by Gust").WithStatus(400)
		}
		return nil, apierror.New("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter").WithStatus(400)
	}
	if err := a.authorize(ctx, "Publish", arn); err != nil {
		return nil, err
	}
	pub, err := publication(p)
	if err != nil {
		return nil, err
	}
	out, err := a.o.Topics.Publish(ctx, arn, pub)
	if err != nil {
		return nil, err
	}
	return publishResult{MessageId: out.MessageID, SequenceNumber: out.Sequence}, nil
}

// publication reads one message's parameters (of Publish, or of one
// PublishBatch entry).
func publication(p awsquery.Params) (topics.Publication, error) {
	attrs, err := messageAttributes(p)
	if err != nil {
		return topics.Publication{}, err
	}
	pub := topics.Publication{
		Message: p.Get("Message"), Structure: p.Get("MessageStructure"), Attributes: attrs,
		GroupID: p.Get("MessageGroupId"), DedupID: p.Get("MessageDeduplicationId"),
	}
	if p.Has("Subject") {
		s := p.Get("Subject")
		pub.Subject = &s
	}
	return pub, nil
}
