package buses

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gust/internal/apierror"
	"gust/internal/ids"
)

// MaxEntriesBytes is PutEvents' limit on the total size of its entries.
const MaxEntriesBytes = 256 * 1024

// Entry is one PutEvents entry.
type Entry struct {
	Time         *time.Time
	Source       string
	Resources    []string
	DetailType   string
	Detail       string
	EventBusName string
	TraceHeader  string
}

// Result is one entry's outcome: an EventID, or an error code and message.
type Result struct {
	EventID      string
	ErrorCode    string
	ErrorMessage string
}

// size is an entry's size as EventBridge counts it.
func (e *Entry) size() int {
	n := len(e.Source) + len(e.DetailType) + len(e.Detail)
	if e.Time != nil {
		n += 14
	}
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// PutEvents accepts entries: each accepted event is stored durably before
// this returns and then matched against its bus's rules.
func (s *Service) PutEvents(ctx context.Context, entries []Entry) ([]Result, error) {
	if len(entries) == 0 || len(entries) > 10 {
		return nil, apierror.Validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	total := 0
	for i := range entries {
		total += entries[i].size()
	}
	if total > MaxEntriesBytes {
		return nil, apierror.Validation("Total size of the entries in the request is over the limit.")
	}
	out := make([]Result, len(entries))
	for i, e := range entries {
		ev, bus, code, msg := s.event(ctx, &e)
		if code != "" {
			out[i] = Result{ErrorCode: code, ErrorMessage: msg}
			continue
		}
		if err := s.accept(ctx, bus, ev); err != nil {
			return nil, err
		}
		out[i] = Result{EventID: ev.ID}
	}
	return out, nil
}

// Event is an event as EventBridge delivers it.
type Event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// event builds an entry's event, or says why the entry is refused.
func (s *Service) event(ctx context.Context, e *Entry) (ev Event, bus, code, msg string) {
	switch {
	case e.Source == "":
		return ev, "", "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."
	case e.DetailType == "":
		return ev, "", "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."
	case e.Detail == "":
		return ev, "", "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(e.Detail), &obj); err != nil || obj == nil {
		return ev, "", "MalformedDetail", "Detail is malformed."
	}
	bus, err := s.BusName(ctx, e.EventBusName)
	if err != nil {
		return ev, "", "InvalidArgument", err.(*apierror.Error).Message
	}
	at := s.o.Now().UTC()
	if e.Time != nil {
		at = e.Time.UTC()
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, []byte(e.Detail))
	ev = Event{Version: "0", ID: ids.UUID(), DetailType: e.DetailType, Source: e.Source, Account: s.o.AccountID,
		Time: at.Format("2006-01-02T15:04:05Z"), Region: s.o.Region, Resources: e.Resources, Detail: compact.Bytes()}
	if ev.Resources == nil {
		ev.Resources = []string{}
	}
	return ev, bus, "", ""
}

func (s *Service) accept(ctx context.Context, bus string, ev Event) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encoding an event: %w", err)
	}
	if err := s.enqueue(ctx, job{Kind: kindEvent, Bus: bus, Event: raw, EventID: ev.ID, Received: s.o.Now().UTC()}); err != nil {
		return err
	}
	s.o.Observer.Count(bus, "published")
	return nil
}
