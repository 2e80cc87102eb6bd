package sqs

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"gust/internal/api/awsjson"
	"gust/internal/api/awsquery"
	"gust/internal/api/reqinfo"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/queues"
)

// Options wires the API.
type Options struct {
	Queues     *queues.Service
	Authorizer authz.Authorizer
	// PublicURL, when set, is the base of queue URLs
	// ("https://sqs.example.com"); otherwise they follow the request's Host.
	PublicURL string
}

// API serves SQS in both protocols.
type API struct {
	q      *queues.Service
	authz  authz.Authorizer
	public string
}

// New returns the API.
func New(o Options) *API {
	if o.Authorizer == nil {
		o.Authorizer = authz.Everyone{}
	}
	return &API{q: o.Queues, authz: o.Authorizer, public: strings.TrimSuffix(o.PublicURL, "/")}
}

// operation is one SQS operation in both protocols.
type operation struct {
	json  awsjson.Handler
	query awsquery.Handler
}

// routes lists every operation.
func (a *API) routes() map[string]operation {
	return map[string]operation{
		"CreateQueue":                  both(a.createQueue, createQueueQuery, nil),
		"GetQueueUrl":                  both(a.getQueueURL, getQueueURLQuery, nil),
		"DeleteQueue":                  both(a.deleteQueue, queueURLOnly[deleteQueueInput], none[deleteQueueOutput]),
		"ListQueues":                   both(a.listQueues, listQueuesQuery, listQueuesXML),
		"GetQueueAttributes":           both(a.getQueueAttributes, getQueueAttributesQuery, getQueueAttributesXML),
		"SetQueueAttributes":           both(a.setQueueAttributes, setQueueAttributesQuery, none[empty]),
		"SendMessage":                  both(a.sendMessage, sendMessageQuery, nil),
		"SendMessageBatch":             both(a.sendMessageBatch, sendMessageBatchQuery, sendMessageBatchXML),
		"ReceiveMessage":               both(a.receiveMessage, receiveMessageQuery, receiveMessageXML),
		"DeleteMessage":                both(a.deleteMessage, deleteMessageQuery, none[empty]),
		"DeleteMessageBatch":           both(a.deleteMessageBatch, deleteMessageBatchQuery, idBatchXML("DeleteMessageBatchResultEntry")),
		"ChangeMessageVisibility":      both(a.changeMessageVisibility, changeMessageVisibilityQuery, none[empty]),
		"ChangeMessageVisibilityBatch": both(a.changeMessageVisibilityBatch, changeMessageVisibilityBatchQuery, idBatchXML("ChangeMessageVisibilityBatchResultEntry")),
		"PurgeQueue":                   both(a.purgeQueue, queueURLOnly[purgeQueueInput], none[empty]),
		"TagQueue":                     both(a.tagQueue, tagQueueQuery, none[empty]),
		"UntagQueue":                   both(a.untagQueue, untagQueueQuery, none[empty]),
		"ListQueueTags":                both(a.listQueueTags, queueURLOnly[listQueueTagsInput], listQueueTagsXML),
		"ListDeadLetterSourceQueues":   both(a.listDeadLetterSourceQueues, listDeadLetterSourceQueuesQuery, listDeadLetterSourceQueuesXML),
		"StartMessageMoveTask":         both(a.startMessageMoveTask, startMessageMoveTaskQuery, nil),
		"CancelMessageMoveTask":        both(a.cancelMessageMoveTask, cancelMessageMoveTaskQuery, nil),
		"ListMessageMoveTasks":         both(a.listMessageMoveTasks, listMessageMoveTasksQuery, listMessageMoveTasksXML),
	}
}

// both adapts one typed operation to the two protocols: parse reads query
// parameters into the JSON input; toXML (nil: the output as is) shapes the
// output for the query protocol.
func both[In, Out any](fn func(context.Context, *In) (*Out, error), parse func(awsquery.Params) (*In, error), toXML func(*Out) any) operation {
	return operation{
		json: awsjson.Op(fn),
		query: func(ctx context.Context, p awsquery.Params) (any, error) {
			in, err := parse(p)
			if err != nil {
				return nil, err
			}
			withPath(ctx, in)
			out, err := fn(ctx, in)
			if err != nil {
				return nil, err
			}
			if toXML == nil {
				return out, nil
			}
			return toXML(out), nil
		},
	}
}

// JSON is the JSON 1.0 service.
func (a *API) JSON() awsjson.Service {
	ops := map[string]awsjson.Handler{}
	for name, op := range a.routes() {
		ops[name] = op.json
	}
	return awsjson.Service{
		TargetPrefix: "AmazonSQS", SigningName: "sqs", Operations: ops, ContentType: "application/x-amz-json-1.0",
		MaxBody: 4 << 20, QueryCompatible: jsonError,
	}
}

// Query is the query/XML service.
func (a *API) Query() awsquery.Service {
	ops := map[string]awsquery.Handler{}
	for name, op := range a.routes() {
		ops[name] = op.query
	}
	return awsquery.Service{SigningName: "sqs", XMLNS: "http://queue.amazonaws.com/doc/2012-11-05/", Operations: ops, ErrorDetail: true, MaxBody: 4 << 20}
}

// modeled are the error shapes of botocore's sqs model, by query code.
var modeled = map[string]string{
	queues.CodeNonExistentQueue:   "QueueDoesNotExist",
	queues.CodeQueueAlreadyExists: "QueueNameExists",
}

// jsonError names an error in the JSON protocol: the model's shape
// ("com.amazonaws.sqs#QueueDoesNotExist") and the query code SDKs report.
func jsonError(e *apierror.Error) (string, string) {
	switch e.Type {
	case "AccessDeniedException":
		return "com.amazon.coral.service#AccessDeniedException", "AccessDenied"
	case "UnknownOperationException":
		return "com.amazon.coral.service#UnknownOperationException", "InvalidAction"
	case "SerializationException", "InvalidParameterException":
		return "com.amazon.coral.service#SerializationException", "MalformedQueryString"
	}
	if shape, ok := modeled[e.Type]; ok {
		return "com.amazonaws.sqs#" + shape, e.Type
	}
	return "com.amazonaws.sqs#" + strings.TrimPrefix(e.Type, "AWS.SimpleQueueService."), e.Type
}

// queueURLSetter is an input with a QueueUrl.
type queueURLSetter interface{ setQueueURL(string) }

// withPath fills a query request's missing QueueUrl from the path it was
// posted to (older clients post to the queue URL itself).
func withPath(ctx context.Context, in any) {
	s, ok := in.(queueURLSetter)
	if !ok {
		return
	}
	info := reqinfo.From(ctx)
	if strings.Count(strings.Trim(info.Path, "/"), "/") == 1 {
		s.setQueueURL("http://" + info.Host + info.Path)
	}
}

// queueURL builds a queue's URL.
func (a *API) queueURL(ctx context.Context, name string) string {
	base := a.public
	if base == "" {
		base = "http://" + reqinfo.From(ctx).Host
	}
	return base + "/" + a.q.AccountID() + "/" + name
}

// queueName reads the queue name from a queue URL.
func (a *API) queueName(raw string) (string, error) {
	if raw == "" {
		return "", queues.MissingParameter("QueueUrl")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", apierror.New("InvalidAddress", "The address %s is not valid for this endpoint.", raw).WithStatus(http.StatusBadRequest)
	}
	account, name, ok := strings.Cut(strings.Trim(u.Path, "/"), "/")
	if !ok || account != a.q.AccountID() || name == "" || strings.Contains(name, "/") {
		return "", apierror.New(queues.CodeNonExistentQueue, "The specified queue does not exist.").WithStatus(http.StatusBadRequest)
	}
	return name, nil
}

// authorize asks whether the caller may do action on the queue.
func (a *API) authorize(ctx context.Context, action, name string) error {
	caller, _ := authz.CallerFrom(ctx)
	req := authz.Request{Action: "sqs:" + action}
	if name != "" {
		req.Resources = []string{a.q.ARN(name)}
	}
	return a.authz.Authorize(ctx, caller, req)
}

// target resolves a queue URL and authorizes action on it.
func (a *API) target(ctx context.Context, rawURL, action string) (string, error) {
	name, err := a.queueName(rawURL)
	if err != nil {
		return "", err
	}
	if err := a.authorize(ctx, action, name); err != nil {
		return "", err
	}
	return name, nil
}

// empty is an operation's empty result.
type empty struct{}

// none drops a result for the query protocol (no <ActionResult>).
func none[Out any](*Out) any { return nil }

// queueURLOnly parses inputs whose only member is QueueUrl.
func queueURLOnly[In any, P interface {
	*In
	queueURLSetter
}](p awsquery.Params) (*In, error) {
	in := new(In)
	P(in).setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

// queueRef is the QueueUrl member of most inputs.
type queueRef struct {
	QueueUrl string `json:"QueueUrl"`
}

func (q *queueRef) setQueueURL(u string) {
	if q.QueueUrl == "" {
		q.QueueUrl = u
	}
}

// authorizeARN asks whether the caller may do action on a queue ARN.
func (a *API) authorizeARN(ctx context.Context, action, arn string) error {
	caller, _ := authz.CallerFrom(ctx)
	return a.authz.Authorize(ctx, caller, authz.Request{Action: "sqs:" + action, Resources: []string{arn}})
}
