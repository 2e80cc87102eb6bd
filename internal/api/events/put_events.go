package events

import (
	"context"
	"time"

	"gust/internal/buses"
)

type putEventsInput struct {
	Entries []struct {
		Time         *float64
		Source       string
		Resources    []string
		DetailType   string
		Detail       string
		EventBusName string
		TraceHeader  string
	}
	EndpointId string
}

type putEventsResultEntry struct {
	EventId      string `json:",omitempty"`
	ErrorCode    string `json:",omitempty"`
	ErrorMessage string `json:",omitempty"`
}

type putEventsOutput struct {
	FailedEntryCount int
	Entries          []putEventsResultEntry
}

func (a *API) putEvents(ctx context.Context, in *putEventsInput) (*putEventsOutput, error) {
	entries := make([]buses.Entry, len(in.Entries))
	for i, e := range in.Entries {
		entries[i] = buses.Entry{Source: e.Source, Resources: e.Resources, DetailType: e.DetailType, Detail: e.Detail, EventBusName: e.EventBusName, TraceHeader: e.TraceHeader}
		if e.Time != nil {
			t := time.UnixMilli(int64(*e.Time * 1000)).UTC()
			entries[i].Time = &t
		}
	}
	results, err := a.o.Buses.PutEvents(ctx, entries)
	if err != nil {
		return nil, err
	}
	out := &putEventsOutput{Entries: []putEventsResultEntry{}}
	for _, r := range results {
		if r.ErrorCode != "" {
			out.FailedEntryCount++
		}
		out.Entries = append(out.Entries, putEventsResultEntry{EventId: r.EventID, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage})
	}
	return out, nil
}
