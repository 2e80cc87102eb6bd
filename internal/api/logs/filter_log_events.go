package logs

import (
	"context"
	"strconv"
	"time"

	"gust/internal/telemetry/logfilter"
	"gust/internal/telemetry/logstore"
)

type filterLogEventsInput struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       string   `json:"filterPattern"`
	NextToken           string   `json:"nextToken"`
	Limit               *int32   `json:"limit"`
	Interleaved         bool     `json:"interleaved"` // always true now, as on AWS
}

type filterLogEventsOutput struct {
	Events             []filteredLogEvent  `json:"events"`
	SearchedLogStreams []searchedLogStream `json:"searchedLogStreams"`
	NextToken          string              `json:"nextToken,omitempty"`
}

func (a *API) filterLogEvents(ctx context.Context, in *filterLogEventsInput) (*filterLogEventsOutput, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, invalid("Cannot specify both logStreamNames and logStreamNamePrefix.")
	}
	if len(in.LogStreamNames) > 100 {
		return nil, invalid("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	limit, err := checkLimit(in.Limit, 10000)
	if err != nil {
		return nil, err
	}
	pattern, err := logfilter.Parse(in.FilterPattern)
	if err != nil {
		return nil, invalid("Invalid filter pattern: %v", err)
	}
	var from uint64
	if in.NextToken != "" {
		if from, err = strconv.ParseUint(in.NextToken, 10, 64); err != nil || from == 0 {
			return nil, invalid("The specified nextToken is invalid.")
		}
	}
	q := logstore.Query{
		Group:        group,
		Streams:      in.LogStreamNames,
		StreamPrefix: in.LogStreamNamePrefix,
		Start:        fromMillis(in.StartTime),
		Match:        pattern.Match,
		From:         from,
		Limit:        limit,
	}
	if in.EndTime != nil { // inclusive in FilterLogEvents
		q.End = fromMillis(in.EndTime).Add(time.Millisecond)
	}
	page, err := a.store.Scan(ctx, q)
	if err != nil {
		return nil, storeError(err)
	}
	out := &filterLogEventsOutput{Events: make([]filteredLogEvent, len(page.Events)), SearchedLogStreams: []searchedLogStream{}}
	for i, e := range page.Events {
		out.Events[i] = filteredLogEvent{
			LogStreamName: e.Stream,
			Timestamp:     millis(e.Time),
			Message:       e.Message,
			IngestionTime: millis(e.Ingested),
			EventID:       strconv.FormatUint(e.ID, 10),
		}
	}
	if page.Next != 0 {
		out.NextToken = strconv.FormatUint(page.Next, 10)
	}
	return out, nil
}
