package topics

import (
	"bytes"
	"context"
	"encoding/json"

	"gust/internal/ids"
	"sort"
)

const timeFormat = "2006-01-02T15:04:05.000Z"

// Envelope types.
const (
	typeNotification = "Notification"
	typeConfirmation = "SubscriptionConfirmation"
)

func (s *Service) subscribeURL(topicARN, token string) string {
	// AWS writes ARNs into these links unescaped (':' is valid in a query).
	return s.o.BaseURL + "/?Action=ConfirmSubscription&TopicArn=" + topicARN + "&Token=" + token
}

func (s *Service) unsubscribeURL(subARN string) string {
	return s.o.BaseURL + "/?Action=Unsubscribe&SubscriptionArn=" + subARN
}

// confirmation is the SubscriptionConfirmation message of a new HTTP
// subscription.
func (s *Service) confirmation(topic string, sub Subscription) Message {
	arn := s.TopicARN(topic)
	return Message{
		ID:       ids.UUID(),
		TopicARN: arn,
		Body: "You have chosen to subscribe to the topic " + arn +
			".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		Timestamp: s.o.Now().UTC(),
	}
}

// signatureVersion is the topic's SignatureVersion (default 1).
func signatureVersion(t *Topic) string {
	if t.Attributes["SignatureVersion"] == "2" {
		return "2"
	}
	return "1"
}

// signed computes the signature of a notification or confirmation.
func (s *Service) signed(ctx context.Context, t *Topic, typ string, m *Message, body, token string) (sig, certURL string, err error) {
	sg, err := s.signing(ctx)
	if err != nil {
		return "", "", err
	}
	ts := m.Timestamp.Format(timeFormat)
	var fields [][2]string
	if typ == typeNotification {
		fields = append(fields, [2]string{"Message", body}, [2]string{"MessageId", m.ID})
		if m.Subject != "" {
			fields = append(fields, [2]string{"Subject", m.Subject})
		}
		fields = append(fields, [2]string{"Timestamp", ts}, [2]string{"TopicArn", m.TopicARN}, [2]string{"Type", typ})
	} else {
		fields = [][2]string{{"Message", body}, {"MessageId", m.ID}, {"SubscribeURL", s.subscribeURL(m.TopicARN, token)},
			{"Timestamp", ts}, {"Token", token}, {"TopicArn", m.TopicARN}, {"Type", typ}}
	}
	sig, err = sg.sign(signatureVersion(t), fields)
	return sig, s.o.BaseURL + sg.certPath, err
}

// envelope is the JSON document SNS sends to HTTP endpoints and SQS queues,
// laid out as SNS lays it out.
func (s *Service) envelope(ctx context.Context, t *Topic, sub *Subscription, typ string, m *Message) ([]byte, error) {
	body := m.bodyFor(sub.Protocol)
	sig, certURL, err := s.signed(ctx, t, typ, m, body, sub.Token)
	if err != nil {
		return nil, err
	}
	var f orderedJSON
	f.add("Type", typ)
	f.add("MessageId", m.ID)
	if typ == typeConfirmation {
		f.add("Token", sub.Token)
		f.add("TopicArn", m.TopicARN)
		f.add("Message", body)
		f.add("SubscribeURL", s.subscribeURL(m.TopicARN, sub.Token))
	} else {
		if m.Sequence != "" {
			f.add("SequenceNumber", m.Sequence)
		}
		f.add("TopicArn", m.TopicARN)
		if m.Subject != "" {
			f.add("Subject", m.Subject)
		}
		f.add("Message", body)
	}
	f.add("Timestamp", m.Timestamp.Format(timeFormat))
	f.add("SignatureVersion", signatureVersion(t))
	f.add("Signature", sig)
	f.add("SigningCertURL", certURL)
	if typ == typeNotification {
		f.add("UnsubscribeURL", s.unsubscribeURL(s.SubscriptionARN(t.Name, sub.ID)))
		if len(m.Attributes) > 0 {
			f.addRaw("MessageAttributes", attributesJSON(m.Attributes))
		}
	}
	return f.bytes(), nil
}

// attributesJSON is {"name" : {"Type":"String","Value":"v"}, ...} sorted
// by name.
func attributesJSON(attrs map[string]Attribute) []byte {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, n := range names {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("    ")
		b.Write(jsonString(n))
		b.WriteString(" : {\"Type\":")
		b.Write(jsonString(attrs[n].Type))
		b.WriteString(",\"Value\":")
		b.Write(jsonString(attrs[n].Value))
		b.WriteString("}")
	}
	b.WriteString("\n  }")
	return b.Bytes()
}

// orderedJSON writes an object's fields in the order added, with SNS's
// `"Key" : value` layout.
type orderedJSON struct {
	keys []string
	vals [][]byte
}

func (o *orderedJSON) add(k, v string) { o.addRaw(k, jsonString(v)) }

func (o *orderedJSON) addRaw(k string, v []byte) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

func (o *orderedJSON) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, k := range o.keys {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("  ")
		b.Write(jsonString(k))
		b.WriteString(" : ")
		b.Write(o.vals[i])
	}
	b.WriteString("\n}")
	return b.Bytes()
}

func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// lambdaEvent is the event a Lambda subscription's function receives.
type lambdaEvent struct {
	Records []lambdaRecord `json:"Records"`
}

type lambdaRecord struct {
	EventSource          string    `json:"EventSource"`
	EventVersion         string    `json:"EventVersion"`
	EventSubscriptionArn string    `json:"EventSubscriptionArn"`
	Sns                  lambdaSNS `json:"Sns"`
}

type lambdaSNS struct {
	Type              string                     `json:"Type"`
	MessageID         string                     `json:"MessageId"`
	TopicArn          string                     `json:"TopicArn"`
	Subject           *string                    `json:"Subject"`
	Message           string                     `json:"Message"`
	Timestamp         string                     `json:"Timestamp"`
	SignatureVersion  string                     `json:"SignatureVersion"`
	Signature         string                     `json:"Signature"`
	SigningCertURL    string                     `json:"SigningCertUrl"`
	UnsubscribeURL    string                     `json:"UnsubscribeUrl"`
	MessageAttributes map[string]lambdaAttribute `json:"MessageAttributes"`
}

type lambdaAttribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

func (s *Service) lambdaPayload(ctx context.Context, t *Topic, sub *Subscription, m *Message) ([]byte, error) {
	body := m.bodyFor("lambda")
	sig, certURL, err := s.signed(ctx, t, typeNotification, m, body, "")
	if err != nil {
		return nil, err
	}
	subARN := s.SubscriptionARN(t.Name, sub.ID)
	rec := lambdaSNS{
		Type: typeNotification, MessageID: m.ID, TopicArn: m.TopicARN, Message: body,
		Timestamp: m.Timestamp.Format(timeFormat), SignatureVersion: signatureVersion(t), Signature: sig,
		SigningCertURL: certURL, UnsubscribeURL: s.unsubscribeURL(subARN),
		MessageAttributes: map[string]lambdaAttribute{},
	}
	if m.Subject != "" {
		subj := m.Subject
		rec.Subject = &subj
	}
	for k, a := range m.Attributes {
		rec.MessageAttributes[k] = lambdaAttribute{Type: a.Type, Value: a.Value}
	}
	return json.Marshal(lambdaEvent{Records: []lambdaRecord{{
		EventSource: "aws:sns", EventVersion: "1.0", EventSubscriptionArn: subARN, Sns: rec,
	}}})
}
