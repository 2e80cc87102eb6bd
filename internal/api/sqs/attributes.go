package sqs

import (
	"encoding/base64"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

// attributeValue is MessageAttributeValue in the JSON protocol.
type attributeValue struct {
	StringValue      *string  `json:"StringValue,omitempty"`
	BinaryValue      []byte   `json:"BinaryValue,omitempty"`
	StringListValues []string `json:"StringListValues,omitempty"`
	BinaryListValues [][]byte `json:"BinaryListValues,omitempty"`
	DataType         string   `json:"DataType"`
}

// attributeXML is MessageAttributeValue in the query protocol.
type attributeXML struct {
	Name  string `xml:"Name"`
	Value struct {
		StringValue string `xml:"StringValue,omitempty"`
		BinaryValue string `xml:"BinaryValue,omitempty"` // base64
		DataType    string `xml:"DataType"`
	} `xml:"Value"`
}

func toQueue(in map[string]attributeValue) (map[string]queues.MessageAttribute, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]queues.MessageAttribute, len(in))
	for name, v := range in {
		if len(v.StringListValues) > 0 || len(v.BinaryListValues) > 0 {
			return nil, queues.InvalidParameter("Message attribute list values in SendMessage operation are not supported.")
		}
		a := queues.MessageAttribute{DataType: v.DataType, BinaryValue: v.BinaryValue}
		if v.StringValue != nil {
			a.StringValue = *v.StringValue
		}
		out[name] = a
	}
	return out, nil
}

func fromQueue(in map[string]queues.MessageAttribute) map[string]attributeValue {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]attributeValue, len(in))
	for name, a := range in {
		v := attributeValue{DataType: a.DataType, BinaryValue: a.BinaryValue}
		if len(a.BinaryValue) == 0 {
			s := a.StringValue
			v.StringValue = &s
		}
		out[name] = v
	}
	return out
}

func attributesXML(in map[string]attributeValue) []attributeXML {
	out := make([]attributeXML, 0, len(in))
	for _, name := range sortedKeys(in) {
		v := in[name]
		x := attributeXML{Name: name}
		x.Value.DataType = v.DataType
		if len(v.BinaryValue) > 0 {
			x.Value.BinaryValue = base64.StdEncoding.EncodeToString(v.BinaryValue)
		}
		if v.StringValue != nil {
			x.Value.StringValue = *v.StringValue
		}
		out = append(out, x)
	}
	return out
}

// attributesQuery reads MessageAttribute.N.Name / .Value.* (prefix
// "MessageAttribute" or "MessageSystemAttribute").
func attributesQuery(p awsquery.Params, prefix string) (map[string]attributeValue, error) {
	entries := p.Indexed(prefix)
	if len(entries) == 0 {
		return nil, nil
	}
	out := make(map[string]attributeValue, len(entries))
	for _, e := range entries {
		v := attributeValue{DataType: e.Get("Value.DataType")}
		if e.Has("Value.StringValue") {
			s := e.Get("Value.StringValue")
			v.StringValue = &s
		}
		if e.Has("Value.BinaryValue") {
			b, err := base64.StdEncoding.DecodeString(e.Get("Value.BinaryValue"))
			if err != nil {
				return nil, queues.InvalidParameter("The message attribute '%s' has an invalid binary value.", e.Get("Name"))
			}
			v.BinaryValue = b
		}
		out[e.Get("Name")] = v
	}
	return out, nil
}

// traceHeader reads MessageSystemAttributes (only AWSTraceHeader exists).
func traceHeader(in map[string]attributeValue) (string, string, error) {
	if len(in) == 0 {
		return "", "", nil
	}
	for name, v := range in {
		if name != "AWSTraceHeader" {
			return "", "", queues.InvalidParameter("Message system attribute name '%s' is invalid.", name)
		}
		if v.DataType != "String" || v.StringValue == nil || *v.StringValue == "" {
			return "", "", queues.InvalidParameter("Message system attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.")
		}
	}
	s := *in["AWSTraceHeader"].StringValue
	return s, queues.MD5OfAttributes(map[string]queues.MessageAttribute{"AWSTraceHeader": {DataType: "String", StringValue: s}}), nil
}
