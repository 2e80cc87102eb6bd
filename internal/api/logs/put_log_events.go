package logs

import (
	"context"
	"strconv"
	"time"

	"gust/internal/telemetry/logstore"
)

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  string          `json:"logGroupName"`
	LogStreamName string          `json:"logStreamName"`
	LogEvents     []inputLogEvent `json:"logEvents"`
	SequenceToken string          `json:"sequenceToken"` // ignored, as AWS now ignores it
}

type rejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// CloudWatch's PutLogEvents limits.
const (
	maxPutEvents    = 10000
	maxPutBytes     = 1048576
	maxEventAge     = 14 * 24 * time.Hour
	maxEventAhead   = 2 * time.Hour
	eventByteExtra  = 26
	maxEventMessage = 1048576 - eventByteExtra
)

// putLogEvents stores events in an existing log stream. Events too far in
// the past or future are left out and reported, as CloudWatch does.
func (a *API) putLogEvents(ctx context.Context, in *putLogEventsInput) (*putLogEventsOutput, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validStreamName(in.LogStreamName); err != nil {
		return nil, err
	}
	if len(in.LogEvents) < 1 || len(in.LogEvents) > maxPutEvents {
		return nil, invalid("1 validation error detected: Value '%d' at 'logEvents' failed to satisfy constraint: Member must have length between 1 and %d", len(in.LogEvents), maxPutEvents)
	}
	size := 0
	for i, e := range in.LogEvents {
		if e.Timestamp == nil || e.Message == nil {
			return nil, invalid("1 validation error detected: Value null at 'logEvents.%d.member.%s' failed to satisfy constraint: Member must not be null", i+1, map[bool]string{true: "timestamp", false: "message"}[e.Timestamp == nil])
		}
		if len(*e.Message) < 1 {
			return nil, invalid("1 validation error detected: Value '' at 'logEvents.%d.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1", i+1)
		}
		if i > 0 && *e.Timestamp < *in.LogEvents[i-1].Timestamp {
			return nil, invalid("Log events in a single PutLogEvents request must be in chronological order.")
		}
		size += len(*e.Message) + eventByteExtra
	}
	if size > maxPutBytes {
		return nil, invalid("Upload too large: %d bytes exceeds limit of %d", size, maxPutBytes)
	}
	if err := a.store.HasStream(ctx, in.LogGroupName, in.LogStreamName); err != nil {
		return nil, storeError(err)
	}
	now := time.Now()
	out := &putLogEventsOutput{}
	var entries []logstore.Entry
	for i, e := range in.LogEvents {
		at := time.UnixMilli(*e.Timestamp)
		switch {
		case at.Before(now.Add(-maxEventAge)):
			out.rejected().TooOldLogEventEndIndex = &i
			continue
		case at.After(now.Add(maxEventAhead)):
			if out.rejected().TooNewLogEventStartIndex == nil {
				out.rejected().TooNewLogEventStartIndex = &i
			}
			continue
		}
		entries = append(entries, logstore.Entry{Stream: in.LogStreamName, Time: at, Message: *e.Message})
	}
	if len(entries) > 0 {
		if err := a.store.Append(ctx, in.LogGroupName, entries); err != nil {
			return nil, storeError(err)
		}
	}
	out.NextSequenceToken = strconv.FormatInt(now.UnixNano(), 10)
	return out, nil
}

func (o *putLogEventsOutput) rejected() *rejectedLogEventsInfo {
	if o.RejectedLogEventsInfo == nil {
		o.RejectedLogEventsInfo = &rejectedLogEventsInfo{}
	}
	return o.RejectedLogEventsInfo
}
