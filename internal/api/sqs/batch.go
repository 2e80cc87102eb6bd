package sqs

import (
	"encoding/xml"
	"errors"
	"regexp"

	"gust/internal/apierror"
	"gust/internal/queues"
)

// batchError is a failed entry of a batch operation.
type batchError struct {
	Id          string `json:"Id" xml:"Id"`
	SenderFault bool   `json:"SenderFault" xml:"SenderFault"`
	Code        string `json:"Code" xml:"Code"`
	Message     string `json:"Message,omitempty" xml:"Message,omitempty"`
}

// batchID is the Id of a batch result entry.
type batchID struct {
	Id string `json:"Id" xml:"Id"`
}

var validBatchID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,80}$`)

// checkBatch applies SQS's rules on a batch's entries: 1 to 10, valid and
// distinct ids. entryName is the query protocol's entry name.
func checkBatch(ids []string, entryName string) error {
	if len(ids) == 0 {
		return apiErr(queues.CodeEmptyBatch, "There should be at least one %s in the request.", entryName)
	}
	if len(ids) > 10 {
		return apiErr(queues.CodeTooManyEntries, "Maximum number of entries per request are 10. You have sent %d.", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !validBatchID.MatchString(id) {
			return apiErr(queues.CodeInvalidBatchEntryID, "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[id] {
			return apiErr(queues.CodeBatchIDsNotDistinct, "Id %s repeated.", id)
		}
		seen[id] = true
	}
	return nil
}

func apiErr(code, format string, args ...any) *apierror.Error {
	return apierror.New(code, format, args...).WithStatus(400)
}

// failed renders an entry's error, or returns err when it is not the
// caller's (the whole request then fails).
func failed(id string, err error) (batchError, error) {
	var e *apierror.Error
	if !errors.As(err, &e) || e.Status() >= 500 {
		return batchError{}, err
	}
	return batchError{Id: id, SenderFault: true, Code: e.Type, Message: e.Message}, nil
}

func noQueue() error {
	return apiErr(queues.CodeNonExistentQueue, "The specified queue does not exist.")
}

// idBatchXML renders a batch result of ids and errors for the query
// protocol, with its entry element's name.
func idBatchXML(entry string) func(*idBatchOutput) any {
	return func(o *idBatchOutput) any { return idBatchXMLValue{entry: entry, o: o} }
}

type idBatchXMLValue struct {
	entry string
	o     *idBatchOutput
}

func (v idBatchXMLValue) MarshalXML(enc *xml.Encoder, start xml.StartElement) error {
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	for _, s := range v.o.Successful {
		if err := enc.EncodeElement(s, xml.StartElement{Name: xml.Name{Local: v.entry}}); err != nil {
			return err
		}
	}
	for _, f := range v.o.Failed {
		if err := enc.EncodeElement(f, xml.StartElement{Name: xml.Name{Local: "BatchResultErrorEntry"}}); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}

// idBatchOutput is DeleteMessageBatch's and ChangeMessageVisibilityBatch's
// result.
type idBatchOutput struct {
	Successful []batchID    `json:"Successful"`
	Failed     []batchError `json:"Failed"`
}
