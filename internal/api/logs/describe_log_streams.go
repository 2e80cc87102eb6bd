package logs

import (
	"context"
	"slices"
	"strconv"

	"gust/internal/telemetry/logstore"
)

type describeLogStreamsInput struct {
	LogGroupName        string `json:"logGroupName"`
	LogGroupIdentifier  string `json:"logGroupIdentifier"`
	LogStreamNamePrefix string `json:"logStreamNamePrefix"`
	OrderBy             string `json:"orderBy"`
	Descending          bool   `json:"descending"`
	NextToken           string `json:"nextToken"`
	Limit               *int32 `json:"limit"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

func (a *API) describeLogStreams(ctx context.Context, in *describeLogStreamsInput) (*describeLogStreamsOutput, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		if in.LogStreamNamePrefix != "" {
			return nil, invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, invalid("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", in.OrderBy)
	}
	limit, err := checkLimit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 50
	}
	// The token is the offset of the next page in the requested order.
	offset := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(in.NextToken)
		if err != nil || n < 0 {
			return nil, invalid("The specified nextToken is invalid.")
		}
		offset = n
	}
	streams, err := a.store.Streams(ctx, group, in.LogStreamNamePrefix)
	if err != nil {
		return nil, storeError(err)
	}
	if in.OrderBy == "LastEventTime" {
		slices.SortStableFunc(streams, func(x, y logstore.LogStream) int { return x.LastEvent.Compare(y.LastEvent) })
	}
	if in.Descending {
		slices.Reverse(streams)
	}
	out := &describeLogStreamsOutput{LogStreams: []logStream{}}
	for i := offset; i < len(streams) && len(out.LogStreams) < limit; i++ {
		s := streams[i]
		out.LogStreams = append(out.LogStreams, logStream{
			LogStreamName:       s.Name,
			CreationTime:        millis(s.Created),
			FirstEventTimestamp: optionalMillis(s.FirstEvent),
			LastEventTimestamp:  optionalMillis(s.LastEvent),
			LastIngestionTime:   optionalMillis(s.LastIngestion),
			Arn:                 a.groupARN(group) + ":log-stream:" + s.Name,
		})
	}
	if next := offset + limit; next < len(streams) {
		out.NextToken = strconv.Itoa(next)
	}
	return out, nil
}
