package e2e

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// logsClient is an aws-sdk-go-v2 CloudWatch Logs client for srv.
func logsClient(srv *gusttest.Server) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:           gusttest.Region,
		BaseEndpoint:     aws.String(srv.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

// filterAll reads every page of a FilterLogEvents query.
func filterAll(t testing.TB, c *cloudwatchlogs.Client, in *cloudwatchlogs.FilterLogEventsInput) []cwtypes.FilteredLogEvent {
	t.Helper()
	var events []cwtypes.FilteredLogEvent
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(gusttest.Context(t))
		if err != nil {
			t.Fatalf("FilterLogEvents: %v", err)
		}
		events = append(events, page.Events...)
	}
	return events
}

// waitForEvents polls until the group holds at least n events matching
// pattern: lines reach the store shortly after the invocation returns.
func waitForEvents(t testing.TB, c *cloudwatchlogs.Client, group, pattern string, n int) []cwtypes.FilteredLogEvent {
	t.Helper()
	var events []cwtypes.FilteredLogEvent
	gusttest.WaitFor(t, 20*time.Second, fmt.Sprintf("%d events matching %q in %s", n, pattern, group), func() bool {
		_, err := c.DescribeLogStreams(gusttest.Context(t), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(group)})
		if err != nil {
			return false // the group is created with its first line
		}
		events = filterAll(t, c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(pattern)})
		return len(events) >= n
	})
	return events
}

func messagesOf(events []cwtypes.FilteredLogEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = aws.ToString(e.Message)
	}
	return out
}

var streamNamePattern = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)

var billedPattern = regexp.MustCompile(`Billed Duration: (\d+) ms\tMemory Size: (\d+) MB`)

// billedMs reads Billed Duration and Memory Size from a REPORT line.
func billedMs(t testing.TB, report string) (billed, memoryMB int64) {
	t.Helper()
	m := billedPattern.FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("not a REPORT line: %q", report)
	}
	billed, _ = strconv.ParseInt(m[1], 10, 64)
	memoryMB, _ = strconv.ParseInt(m[2], 10, 64)
	return billed, memoryMB
}

// invokeValue invokes fn with v as its JSON payload and a log tail,
// failing the test only when the call itself fails.
func invokeValue(t testing.TB, c *lambda.Client, fn string, payload any) *lambda.InvokeOutput {
	t.Helper()
	res, err := c.Invoke(gusttest.Context(t), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: mustJSON(t, payload), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatalf("Invoke %s: %v", fn, err)
	}
	return res
}

func TestLogsThroughCloudWatchAPI(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	lc := srv.Lambda()
	cw := logsClient(srv)
	ctx := gusttest.Context(t)
	const group = "/aws/lambda/logfn"
	createFunction(t, lc, "logfn", goFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.Timeout = aws.Int32(1)
	})

	before := time.Now().Add(-time.Second)
	var stream struct {
		Stream string `json:"stream"`
	}
	invokeJSON(t, lc, "logfn", map[string]any{"action": "sleep", "n": 0}, &stream)
	invokeJSON(t, lc, "logfn", map[string]any{"action": "print", "arg": "hello from gofn"}, nil)
	if res := invokeValue(t, lc, "logfn", map[string]any{"action": "error", "arg": "kaboom"}); aws.ToString(res.FunctionError) != "Unhandled" {
		t.Fatalf("error invocation: %s", res.Payload)
	}
	invokeJSON(t, lc, "logfn", map[string]any{"action": "lines", "n": 25, "arg": "paged"}, nil)
	// Events carry millisecond timestamps: let one pass so that a time
	// boundary separates the invocations above from those below.
	boundary := time.Now().UnixMilli() + 1
	gusttest.WaitFor(t, time.Second, "the next millisecond", func() bool { return time.Now().UnixMilli() >= boundary })
	if res := invokeValue(t, lc, "logfn", map[string]any{"action": "sleep", "n": 1500}); aws.ToString(res.FunctionError) != "Unhandled" {
		t.Fatalf("timeout invocation: %s", res.Payload)
	}
	// The timed-out environment is gone; this one is a second stream.
	invokeJSON(t, lc, "logfn", map[string]any{"action": "print", "arg": "second environment"}, nil)
	reports := waitForEvents(t, cw, group, "REPORT", 6)

	// Log group and streams.
	groups, err := cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil || len(groups.LogGroups) != 1 {
		t.Fatalf("DescribeLogGroups = %+v, %v", groups, err)
	}
	g := groups.LogGroups[0]
	if aws.ToString(g.LogGroupName) != group || aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:"+group ||
		g.RetentionInDays != nil || aws.ToInt64(g.StoredBytes) == 0 || aws.ToInt64(g.CreationTime) < before.UnixMilli() {
		t.Errorf("log group = %+v", g)
	}
	streams, err := cw.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(group), OrderBy: cwtypes.OrderByLastEventTime})
	if err != nil || len(streams.LogStreams) != 2 {
		t.Fatalf("DescribeLogStreams = %+v, %v", streams, err)
	}
	first := streams.LogStreams[0]
	if aws.ToString(first.LogStreamName) != stream.Stream || !streamNamePattern.MatchString(stream.Stream) {
		t.Errorf("first stream %q, the function saw %q", aws.ToString(first.LogStreamName), stream.Stream)
	}
	if aws.ToInt64(first.FirstEventTimestamp) > aws.ToInt64(first.LastEventTimestamp) || aws.ToInt64(first.LastIngestionTime) < aws.ToInt64(first.LastEventTimestamp) {
		t.Errorf("stream times = %+v", first)
	}

	// The first environment's stream from the head: platform lines around
	// the function's own.
	var lines []string
	gp := cloudwatchlogs.NewGetLogEventsPaginator(cw, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream.Stream), StartFromHead: aws.Bool(true), Limit: aws.Int32(7),
	}, func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) {
		// A forward token past the end comes back unchanged: the end, or
		// where to poll for new events.
		o.StopOnDuplicateToken = true
	})
	for gp.HasMorePages() {
		page, err := gp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Events) > 7 {
			t.Fatalf("page of %d events with limit 7", len(page.Events))
		}
		for _, e := range page.Events {
			lines = append(lines, aws.ToString(e.Message))
		}
	}
	var kinds []string
	for _, l := range lines {
		word, _, _ := strings.Cut(l, " ")
		switch word {
		case "INIT_START", "START", "END", "REPORT":
			kinds = append(kinds, word)
		}
	}
	want := []string{"INIT_START", "START", "END", "REPORT", "START", "END", "REPORT", "START", "END", "REPORT", "START", "END", "REPORT", "START", "END", "REPORT"}
	if !slices.Equal(kinds, want) {
		t.Errorf("platform lines %v, want %v\n%s", kinds, want, strings.Join(lines, "\n"))
	}
	if !slices.Contains(lines, "hello from gofn") || !slices.Contains(lines, "stderr:hello from gofn") {
		t.Errorf("printed lines missing:\n%s", strings.Join(lines, "\n"))
	}
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "Task timed out after 1.00 seconds") }) {
		t.Errorf("no timeout line:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "Init Duration: ") {
		t.Errorf("cold REPORT without Init Duration")
	}

	// Backwards from the end (the default), as `aws logs get-log-events` does.
	last, err := cw.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream.Stream), Limit: aws.Int32(2)})
	if err != nil || len(last.Events) != 2 || !strings.HasPrefix(aws.ToString(last.Events[1].Message), "REPORT ") || !strings.HasPrefix(aws.ToString(last.Events[0].Message), "END ") {
		t.Fatalf("last two events = %+v, %v", last, err)
	}
	older, err := cw.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream.Stream), Limit: aws.Int32(2), NextToken: last.NextBackwardToken})
	if err != nil || len(older.Events) != 2 || aws.ToInt64(older.Events[1].Timestamp) > aws.ToInt64(last.Events[0].Timestamp) {
		t.Fatalf("two before those = %+v, %v", older, err)
	}

	// Filter patterns: an error trace, phrases, exclusions, alternatives.
	traces := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`"kaboom"`)})
	if len(traces) != 1 || !strings.Contains(aws.ToString(traces[0].Message), `{"errorMessage":"kaboom","errorType":"errorString"}`) {
		t.Errorf("error trace = %v", messagesOf(traces))
	}
	if got := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`REPORT -"Init Duration"`)}); len(got) != 4 {
		t.Errorf("warm REPORT lines = %v", messagesOf(got))
	}
	if got := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`?kaboom ?"hello from"`)}); len(got) != 3 {
		t.Errorf("?kaboom ?\"hello from\" = %v", messagesOf(got))
	}
	if got := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`%line 1[0-9] paged%`)}); len(got) != 10 {
		t.Errorf("regex pattern = %v", messagesOf(got))
	}
	if last := reports[len(reports)-1]; aws.ToString(last.LogStreamName) == stream.Stream || aws.ToString(last.EventId) == "" {
		t.Errorf("last REPORT = %+v", last)
	}

	// Pagination: 25 lines in pages of 10, in order, without repeats.
	var paged []string
	pages := 0
	fp := cloudwatchlogs.NewFilterLogEventsPaginator(cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String("paged"), Limit: aws.Int32(10)})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		paged = append(paged, messagesOf(page.Events)...)
	}
	if len(paged) != 25 || pages != 3 || paged[0] != "line 0 paged" || paged[24] != "line 24 paged" {
		t.Errorf("%d pages: %v", pages, paged)
	}

	// Time range and stream selection.
	since := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), StartTime: aws.Int64(boundary), FilterPattern: aws.String(`"START RequestId"`)})
	if len(since) != 2 {
		t.Errorf("START lines since the timeout invocation = %v", messagesOf(since))
	}
	until := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), EndTime: aws.Int64(boundary - 1), FilterPattern: aws.String(`"START RequestId"`)})
	if len(until) != 4 {
		t.Errorf("START lines before the timeout invocation = %v", messagesOf(until))
	}
	other := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), LogStreamNames: []string{aws.ToString(streams.LogStreams[1].LogStreamName)}})
	if msgs := messagesOf(other); len(msgs) != 6 || !slices.Contains(msgs, "second environment") {
		t.Errorf("second stream = %v", msgs)
	}

	// Retention.
	if _, err := cw.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(2)}); !isErr[*cwtypes.InvalidParameterException](err) {
		t.Errorf("retention of 2 days: %v", err)
	}
	if _, err := cw.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	groups, _ = cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 7 {
		t.Errorf("after PutRetentionPolicy: %+v", groups.LogGroups)
	}
	if got := filterAll(t, cw, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String("REPORT")}); len(got) != 6 {
		t.Errorf("events within the retention are hidden: %d REPORT lines", len(got))
	}
	if _, err := cw.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	groups, _ = cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if groups.LogGroups[0].RetentionInDays != nil {
		t.Errorf("after DeleteRetentionPolicy: %+v", groups.LogGroups[0])
	}

	// Typed errors.
	_, err = cw.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/lambda/none"), LogStreamName: aws.String("x")})
	if !isErr[*cwtypes.ResourceNotFoundException](err) {
		t.Errorf("GetLogEvents of a missing group: %v", err)
	}
	_, err = cw.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("2020/01/01/[$LATEST]none")})
	if !isErr[*cwtypes.ResourceNotFoundException](err) {
		t.Errorf("GetLogEvents of a missing stream: %v", err)
	}
	_, err = cw.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`{ $.level = "ERROR" }`)})
	if !isErr[*cwtypes.InvalidParameterException](err) {
		t.Errorf("JSON filter pattern: %v", err)
	}
	if _, err := cw.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/none"), RetentionInDays: aws.Int32(1)}); !isErr[*cwtypes.ResourceNotFoundException](err) {
		t.Errorf("retention of a missing group: %v", err)
	}

	// Deleting the group deletes its events; the next invocation creates
	// it again, as Lambda does.
	if _, err := cw.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := cw.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)}); !isErr[*cwtypes.ResourceNotFoundException](err) {
		t.Errorf("second DeleteLogGroup: %v", err)
	}
	if groups, _ := cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}); len(groups.LogGroups) != 0 {
		t.Errorf("groups after delete: %+v", groups.LogGroups)
	}
	invokeJSON(t, lc, "logfn", map[string]any{"action": "print", "arg": "after delete"}, nil)
	if got := waitForEvents(t, cw, group, "", 5); !slices.Contains(messagesOf(got), "after delete") || len(got) != 5 {
		t.Errorf("recreated group = %v", messagesOf(got))
	}
}

// A function's LoggingConfig.LogGroup is where its lines go.
func TestCustomLogGroup(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	lc := srv.Lambda()
	cw := logsClient(srv)
	createFunction(t, lc, "custom", goFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.LoggingConfig = &types.LoggingConfig{LogGroup: aws.String("/shared/app-logs")}
	})
	invokeJSON(t, lc, "custom", map[string]any{"action": "print", "arg": "to the shared group"}, nil)
	got := waitForEvents(t, cw, "/shared/app-logs", `"to the shared group"`, 2)
	if len(got) != 2 {
		t.Errorf("events = %v", messagesOf(got))
	}
	groups, err := cw.DescribeLogGroups(gusttest.Context(t), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("APP")})
	if err != nil || len(groups.LogGroups) != 1 || aws.ToString(groups.LogGroups[0].LogGroupName) != "/shared/app-logs" {
		t.Errorf("groups matching APP = %+v, %v", groups, err)
	}
}

func isErr[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}
