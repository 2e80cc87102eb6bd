package logstore_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gust/internal/store"
	"gust/internal/store/storetest"
	"gust/internal/telemetry/logstore"
)

func appendLines(t *testing.T, s *logstore.Store, group, stream string, at time.Time, lines ...string) {
	t.Helper()
	entries := make([]logstore.Entry, len(lines))
	for i, l := range lines {
		entries[i] = logstore.Entry{Stream: stream, Time: at.Add(time.Duration(i) * time.Millisecond), Message: l}
	}
	if err := s.Append(storetest.Context(t), group, entries); err != nil {
		t.Fatal(err)
	}
}

func messages(events []logstore.Event) string {
	var b []string
	for _, e := range events {
		b = append(b, e.Message)
	}
	return strings.Join(b, ",")
}

func TestGroupsStreamsAndEvents(t *testing.T) {
	s := logstore.New(storetest.Open(t))
	ctx := storetest.Context(t)
	now := time.Now().Truncate(time.Millisecond)
	appendLines(t, s, "/aws/lambda/b", "2024/01/01/[$LATEST]aaaa", now, "one", "two ERROR", "three")
	appendLines(t, s, "/aws/lambda/b", "2024/01/01/[$LATEST]bbbb", now.Add(10*time.Millisecond), "four ERROR")
	appendLines(t, s, "/aws/lambda/a", "s", now, "other group")

	groups, err := s.Groups(ctx)
	if err != nil || len(groups) != 2 || groups[0].Name != "/aws/lambda/a" || groups[1].Name != "/aws/lambda/b" {
		t.Fatalf("Groups = %+v, %v", groups, err)
	}
	if groups[1].RetentionDays != 0 || groups[1].StoredBytes == 0 || groups[1].Created.IsZero() {
		t.Errorf("group = %+v", groups[1])
	}

	streams, err := s.Streams(ctx, "/aws/lambda/b", "")
	if err != nil || len(streams) != 2 || streams[0].Name != "2024/01/01/[$LATEST]aaaa" {
		t.Fatalf("Streams = %+v, %v", streams, err)
	}
	if !streams[0].FirstEvent.Equal(now) || !streams[0].LastEvent.Equal(now.Add(2*time.Millisecond)) || streams[0].LastIngestion.IsZero() {
		t.Errorf("stream = %+v (now %v)", streams[0], now)
	}
	if only, _ := s.Streams(ctx, "/aws/lambda/b", "2024/01/01/[$LATEST]b"); len(only) != 1 {
		t.Errorf("prefix selected %+v", only)
	}

	page, err := s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b"})
	if err != nil || messages(page.Events) != "one,two ERROR,three,four ERROR" || page.Next != 0 {
		t.Fatalf("Scan = %+v, %v", page, err)
	}
	all := page.Events
	ev := all[3]
	if ev.Stream != "2024/01/01/[$LATEST]bbbb" || !ev.Time.Equal(now.Add(10*time.Millisecond)) {
		t.Errorf("event = %+v", ev)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Errorf("IDs do not grow: %d after %d", all[i].ID, all[i-1].ID)
		}
	}

	// Filtering, pagination and limits.
	errorsOnly := func(m string) bool { return strings.Contains(m, "ERROR") }
	page, _ = s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b", Match: errorsOnly, Limit: 1})
	if messages(page.Events) != "two ERROR" || page.Next != all[3].ID {
		t.Fatalf("first page = %+v", page)
	}
	page, _ = s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b", Match: errorsOnly, Limit: 1, From: page.Next})
	if messages(page.Events) != "four ERROR" || page.Next != 0 {
		t.Fatalf("second page = %+v", page)
	}
	page, _ = s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b", Streams: []string{"2024/01/01/[$LATEST]bbbb"}})
	if messages(page.Events) != "four ERROR" {
		t.Errorf("one stream = %+v", page)
	}
	page, _ = s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b", Start: now.Add(time.Millisecond), End: now.Add(10 * time.Millisecond)})
	if messages(page.Events) != "two ERROR,three" {
		t.Errorf("time window = %+v", page)
	}
	page, _ = s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b", MaxBytes: 2*26 + len("onetwo ERROR")})
	if messages(page.Events) != "one,two ERROR" || page.Next != all[2].ID {
		t.Errorf("byte limit = %+v", page)
	}
	if _, err := s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b", Streams: []string{"nope"}}); !errors.Is(err, logstore.ErrStreamNotFound) {
		t.Errorf("unknown stream: %v", err)
	}
	if _, err := s.Scan(ctx, logstore.Query{Group: "/aws/lambda/none"}); !errors.Is(err, logstore.ErrGroupNotFound) {
		t.Errorf("unknown group: %v", err)
	}

	// Tail reads backwards from a position.
	tail, err := s.Tail(ctx, logstore.Query{Group: "/aws/lambda/b", Streams: []string{"2024/01/01/[$LATEST]aaaa"}, Limit: 2}, 0)
	if err != nil || messages(tail) != "two ERROR,three" {
		t.Errorf("Tail = %+v, %v", tail, err)
	}
	tail, _ = s.Tail(ctx, logstore.Query{Group: "/aws/lambda/b", Streams: []string{"2024/01/01/[$LATEST]aaaa"}, Limit: 2}, all[1].ID)
	if messages(tail) != "one" {
		t.Errorf("Tail before 2 = %+v", tail)
	}

	// Deleting a group deletes its events; the next line creates it again.
	if err := s.DeleteGroup(ctx, "/aws/lambda/b"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup(ctx, "/aws/lambda/b"); !errors.Is(err, logstore.ErrGroupNotFound) {
		t.Errorf("second delete: %v", err)
	}
	appendLines(t, s, "/aws/lambda/b", "s2", now, "again")
	page, err = s.Scan(ctx, logstore.Query{Group: "/aws/lambda/b"})
	if err != nil || messages(page.Events) != "again" {
		t.Errorf("after re-creation: %+v, %v", page, err)
	}
}

// A deleted group is created again by the next Append even when another
// Store (another node) deleted it.
func TestAppendAfterRemoteDelete(t *testing.T) {
	st := storetest.Open(t)
	a := logstore.New(st)
	b := logstore.New(st)
	appendLines(t, a, "g", "s", time.Now(), "one")
	if err := b.DeleteGroup(storetest.Context(t), "g"); err != nil {
		t.Fatal(err)
	}
	appendLines(t, a, "g", "s", time.Now(), "two")
	page, err := a.Scan(storetest.Context(t), logstore.Query{Group: "g"})
	if err != nil || messages(page.Events) != "two" {
		t.Errorf("Scan = %+v, %v", page, err)
	}
}

// Events printed longer ago than the retention are not returned (JetStream
// deletes them later; store's tests show that).
func TestRetention(t *testing.T) {
	s := logstore.New(storetest.Open(t))
	ctx := storetest.Context(t)
	if err := s.SetRetention(ctx, "g", 1); !errors.Is(err, logstore.ErrGroupNotFound) {
		t.Fatalf("retention of a missing group: %v", err)
	}
	now := time.Now()
	appendLines(t, s, "g", "old", now.Add(-36*time.Hour), "old line")
	appendLines(t, s, "g", "new", now.Add(-12*time.Hour), "new line")
	page, _ := s.Scan(ctx, logstore.Query{Group: "g"})
	if messages(page.Events) != "old line,new line" {
		t.Fatalf("Scan without retention = %+v", page)
	}
	if err := s.SetRetention(ctx, "g", 1); err != nil {
		t.Fatal(err)
	}
	groups, _ := s.Groups(ctx)
	if len(groups) != 1 || groups[0].RetentionDays != 1 {
		t.Fatalf("groups = %+v", groups)
	}
	page, err := s.Scan(ctx, logstore.Query{Group: "g"})
	if err != nil || messages(page.Events) != "new line" {
		t.Errorf("Scan with retention = %+v, %v", page, err)
	}
	tail, _ := s.Tail(ctx, logstore.Query{Group: "g", Streams: []string{"old"}}, 0)
	if len(tail) != 0 {
		t.Errorf("Tail returned expired events: %+v", tail)
	}
	streams, _ := s.Streams(ctx, "g", "")
	if len(streams) != 1 || streams[0].Name != "new" {
		t.Errorf("streams with retention = %+v", streams)
	}
	// Removing the retention shows what is still stored.
	if err := s.SetRetention(ctx, "g", 0); err != nil {
		t.Fatal(err)
	}
	page, _ = s.Scan(ctx, logstore.Query{Group: "g"})
	if messages(page.Events) != "old line,new line" {
		t.Errorf("Scan after DeleteRetentionPolicy = %+v", page)
	}
}

// Scan looks at a bounded number of events per call and says where to go on.
func TestScanBudget(t *testing.T) {
	s := logstore.New(storetest.Open(t))
	lines := make([]string, 100)
	for i := range lines {
		lines[i] = fmt.Sprint("line ", i)
	}
	appendLines(t, s, "g", "s", time.Now(), lines...)
	page, err := s.Scan(storetest.Context(t), logstore.Query{Group: "g", Match: func(m string) bool { return m == "line 99" }, Limit: 1})
	if err != nil || messages(page.Events) != "line 99" || page.Next != 0 {
		t.Errorf("Scan = %+v, %v", page, err)
	}
}

// BenchmarkStoreAppend is the log store's write throughput: batches of
// 1,000 lines of one log stream, as the Writer hands them over under load.
func BenchmarkStoreAppend(b *testing.B) {
	st, err := store.Open(b.Context(), store.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s := logstore.New(st)
	entries := make([]logstore.Entry, 1000)
	for i := range entries {
		entries[i] = logstore.Entry{Stream: "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef", Time: time.Now(), Message: "a line of the length a function typically prints, 70 bytes or so"}
	}
	for b.Loop() {
		if err := s.Append(b.Context(), "/aws/lambda/bench", entries); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(entries))/b.Elapsed().Seconds(), "lines/s")
}

// Lines spread over several messages page through in order.
func TestScanAcrossMessages(t *testing.T) {
	s := logstore.New(storetest.Open(t))
	lines := make([]string, 5000)
	for i := range lines {
		lines[i] = fmt.Sprint(i)
	}
	appendLines(t, s, "g", "s", time.Now(), lines...)
	var got []string
	q := logstore.Query{Group: "g", Limit: 999}
	for pages := 0; ; pages++ {
		page, err := s.Scan(storetest.Context(t), q)
		if err != nil || pages > 10 {
			t.Fatalf("page %d: %+v, %v", pages, page.Next, err)
		}
		for _, e := range page.Events {
			got = append(got, e.Message)
		}
		if page.Next == 0 {
			break
		}
		q.From = page.Next
	}
	if strings.Join(got, ",") != strings.Join(lines, ",") {
		t.Errorf("read %d lines back, not in order", len(got))
	}
	tail, err := s.Tail(storetest.Context(t), logstore.Query{Group: "g", Limit: 3}, 0)
	if err != nil || messages(tail) != "4997,4998,4999" {
		t.Errorf("Tail = %v, %v", messages(tail), err)
	}
}
