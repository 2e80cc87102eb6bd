package sns

import (
	"context"
	"encoding/base64"
	"strconv"

	"gust/internal/api/awsquery"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/topics"
)

// SigningName and XMLNS identify SNS on the wire.
const (
	SigningName = "sns"
	XMLNS       = "http://sns.amazonaws.com/doc/2010-03-31/"
)

// Options wire the API.
type Options struct {
	Topics     *topics.Service
	Authorizer authz.Authorizer
	AccountID  string
}

// API is SNS's wire layer.
type API struct{ o Options }

// New returns the API.
func New(o Options) *API {
	if o.Authorizer == nil {
		o.Authorizer = authz.Everyone{}
	}
	return &API{o: o}
}

// authorize asks whether the caller may perform action on resources.
func (a *API) authorize(ctx context.Context, action string, resources ...string) error {
	caller, _ := authz.CallerFrom(ctx)
	return a.o.Authorizer.Authorize(ctx, caller, authz.Request{Action: "sns:" + action, Resources: resources})
}

// required fails when a required parameter is missing, as SNS does.
func required(p awsquery.Params, name string) error {
	if !p.Has(name) {
		return apierror.New("InvalidParameter", "Invalid parameter: %s", name).WithStatus(400)
	}
	return nil
}

type attributeEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func entries(m map[string]string) []attributeEntry {
	out := make([]attributeEntry, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, attributeEntry{k, m[k]})
	}
	return out
}

func tagsOf(p awsquery.Params, prefix string) []topics.Tag {
	var out []topics.Tag
	for _, m := range p.Indexed(prefix) {
		out = append(out, topics.Tag{Key: m.Get("Key"), Value: m.Get("Value")})
	}
	return out
}

// messageAttributes reads MessageAttributes.entry.N.{Name,Value.DataType,
// Value.StringValue,Value.BinaryValue}.
func messageAttributes(p awsquery.Params) (map[string]topics.AttributeInput, error) {
	list := p.Indexed("MessageAttributes.entry")
	if len(list) == 0 {
		list = p.Indexed("MessageAttributes")
	}
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]topics.AttributeInput{}
	for _, e := range list {
		in := topics.AttributeInput{DataType: e.Get("Value.DataType")}
		if e.Has("Value.StringValue") {
			v := e.Get("Value.StringValue")
			in.StringValue = &v
		}
		if e.Has("Value.BinaryValue") {
			b, err := base64.StdEncoding.DecodeString(e.Get("Value.BinaryValue"))
			if err != nil {
				return nil, apierror.New("InvalidParameter", "Invalid parameter: MessageAttributes").WithStatus(400)
			}
			in.BinaryValue = b
		}
		out[e.Get("Name")] = in
	}
	return out, nil
}

// page slices n items by an offset token, 100 at a time.
func page(n int, token string) (start, end int, next string, err error) {
	if token != "" {
		if start, err = strconv.Atoi(token); err != nil || start < 0 || start > n {
			return 0, 0, "", apierror.New("InvalidParameter", "Invalid parameter: NextToken").WithStatus(400)
		}
	}
	end = min(start+100, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}
