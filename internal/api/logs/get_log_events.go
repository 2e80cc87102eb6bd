package logs

import (
	"context"
	"strconv"
	"strings"

	"gust/internal/telemetry/logstore"
)

type getLogEventsInput struct {
	LogGroupName       string `json:"logGroupName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	LogStreamName      string `json:"logStreamName"`
	StartTime          *int64 `json:"startTime"`
	EndTime            *int64 `json:"endTime"`
	NextToken          string `json:"nextToken"`
	Limit              *int32 `json:"limit"`
	StartFromHead      bool   `json:"startFromHead"`
}

type getLogEventsOutput struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// Position tokens: "f/<id>" reads forward from event id, "b/<id>" reads
// the events before it (0: before the end). A forward read that finds
// nothing returns the token it was given, which is how SDK paginators
// know they are done and how a poller waits for new events.
func parseToken(tok string) (forward bool, id uint64, err error) {
	dir, num, ok := strings.Cut(tok, "/")
	if ok && (dir == "f" || dir == "b") {
		if id, err = strconv.ParseUint(num, 10, 64); err == nil {
			return dir == "f", id, nil
		}
	}
	return false, 0, invalid("The specified nextToken is invalid.")
}

func (a *API) getLogEvents(ctx context.Context, in *getLogEventsInput) (*getLogEventsOutput, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == "" {
		return nil, invalid("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	limit, err := checkLimit(in.Limit, 10000)
	if err != nil {
		return nil, err
	}
	forward, id := in.StartFromHead, uint64(0)
	if in.NextToken != "" {
		if forward, id, err = parseToken(in.NextToken); err != nil {
			return nil, err
		}
	}
	q := logstore.Query{
		Group:   group,
		Streams: []string{in.LogStreamName},
		Start:   fromMillis(in.StartTime),
		End:     fromMillis(in.EndTime), // exclusive, as in GetLogEvents
		From:    id,
		Limit:   limit,
	}
	var events []logstore.Event
	if forward {
		page, err := a.store.Scan(ctx, q)
		if err != nil {
			return nil, storeError(err)
		}
		events = page.Events
	} else if events, err = a.store.Tail(ctx, q, id); err != nil {
		return nil, storeError(err)
	}
	out := &getLogEventsOutput{
		Events:            make([]outputLogEvent, len(events)),
		NextForwardToken:  "f/" + strconv.FormatUint(id, 10),
		NextBackwardToken: "b/" + strconv.FormatUint(id, 10),
	}
	for i, e := range events {
		out.Events[i] = outputLogEvent{Timestamp: millis(e.Time), Message: e.Message, IngestionTime: millis(e.Ingested)}
	}
	if n := len(events); n > 0 {
		out.NextForwardToken = "f/" + strconv.FormatUint(events[n-1].ID+1, 10)
		out.NextBackwardToken = "b/" + strconv.FormatUint(events[0].ID, 10)
	}
	return out, nil
}
