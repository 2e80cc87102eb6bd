package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"gust/internal/store"
	"gust/internal/store/storetest"
)

func openStream(t *testing.T, s *store.Store, name string, o store.StreamOptions) *store.Stream {
	t.Helper()
	st, err := s.Stream(storetest.Context(t), name, o)
	if err != nil {
		t.Fatalf("Stream(%q): %v", name, err)
	}
	return st
}

func appendN(t *testing.T, st *store.Stream, key string, n int) {
	t.Helper()
	msgs := make([]store.Message, n)
	for i := range msgs {
		msgs[i] = store.Message{Key: key, Data: fmt.Appendf(nil, "%s-%d", key, i)}
	}
	if err := st.Append(storetest.Context(t), msgs); err != nil {
		t.Fatalf("Append: %v", err)
	}
}

func readAll(t *testing.T, st *store.Stream, o store.ReadOptions) []store.Message {
	t.Helper()
	var got []store.Message
	if err := st.Read(storetest.Context(t), o, func(m store.Message) bool { got = append(got, m); return true }); err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

func TestStreamAppendAndRead(t *testing.T) {
	s := storetest.OpenDir(t, t.TempDir())
	ctx := storetest.Context(t)
	st := openStream(t, s, "events-a", store.StreamOptions{Meta: map[string]string{"owner": "test"}})
	appendN(t, st, "k1", 3)
	appendN(t, st, "k2", 2)
	appendN(t, st, "k1", 1)

	all := readAll(t, st, store.ReadOptions{})
	if len(all) != 6 {
		t.Fatalf("read %d messages, want 6", len(all))
	}
	for i, m := range all {
		if m.Seq != uint64(i+1) || m.Time.IsZero() {
			t.Errorf("message %d: seq %d time %v", i, m.Seq, m.Time)
		}
	}
	if all[3].Key != "k2" || string(all[3].Data) != "k2-0" || string(all[5].Data) != "k1-0" {
		t.Errorf("messages out of order: %q %q", all[3].Data, all[5].Data)
	}

	k1 := readAll(t, st, store.ReadOptions{Keys: []string{"k1"}, FromSeq: 2})
	if len(k1) != 3 || k1[0].Seq != 2 || k1[2].Seq != 6 {
		t.Errorf("k1 from seq 2: %+v", k1)
	}
	if got := readAll(t, st, store.ReadOptions{FromSeq: 7}); len(got) != 0 {
		t.Errorf("read past the end gave %d messages", len(got))
	}
	if got := readAll(t, st, store.ReadOptions{Keys: []string{"nothing"}}); len(got) != 0 {
		t.Errorf("read of an unknown key gave %d messages", len(got))
	}
	if got := readAll(t, st, store.ReadOptions{FromTime: time.Now().Add(time.Hour)}); len(got) != 0 {
		t.Errorf("read from the future gave %d messages", len(got))
	}
	if got := readAll(t, st, store.ReadOptions{FromTime: all[0].Time}); len(got) != 6 {
		t.Errorf("read from the first message's time gave %d messages", len(got))
	}

	// fn returning false stops the read.
	n := 0
	if err := st.Read(ctx, store.ReadOptions{}, func(store.Message) bool { n++; return n < 2 }); err != nil || n != 2 {
		t.Errorf("stopped read: n=%d err=%v", n, err)
	}

	keys, err := st.Keys(ctx)
	if err != nil || len(keys) != 2 || keys["k1"] != 4 || keys["k2"] != 2 {
		t.Errorf("Keys = %v, %v", keys, err)
	}
	first, err := st.First(ctx, "k2")
	if err != nil || first.Seq != 4 {
		t.Errorf("First(k2) = %+v, %v", first, err)
	}
	last, err := st.Last(ctx, "k1")
	if err != nil || last.Seq != 6 || string(last.Data) != "k1-0" {
		t.Errorf("Last(k1) = %+v, %v", last, err)
	}
	if _, err := st.Last(ctx, "none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Last of a missing key: %v", err)
	}

	info, err := st.Info(ctx)
	if err != nil || info.Messages != 6 || info.Bytes == 0 || info.Meta["owner"] != "test" || info.Created.IsZero() {
		t.Errorf("Info = %+v, %v", info, err)
	}
	// Appending a message again with the same ID stores it once.
	dup := []store.Message{{Key: "k3", Data: []byte("once"), ID: "id-1"}, {Key: "k3", Data: []byte("twice"), ID: "id-2"}}
	if err := st.Append(ctx, dup); err != nil {
		t.Fatal(err)
	}
	if err := st.Append(ctx, dup); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, st, store.ReadOptions{Keys: []string{"k3"}}); len(got) != 2 {
		t.Errorf("idempotent append stored %d messages, want 2", len(got))
	}
	if err := st.Append(ctx, []store.Message{{Key: "a.b", Data: []byte("x")}}); !errors.Is(err, store.ErrInvalidKey) {
		t.Errorf("Append with a dotted key: %v", err)
	}
}

func TestStreamOpenListDelete(t *testing.T) {
	s := storetest.OpenDir(t, t.TempDir())
	ctx := storetest.Context(t)
	if _, err := s.OpenStream(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("OpenStream of a missing stream: %v", err)
	}
	openStream(t, s, "logs-b", store.StreamOptions{MaxAge: time.Hour})
	openStream(t, s, "logs-a", store.StreamOptions{})
	openStream(t, s, "other", store.StreamOptions{})
	// Opening again keeps the configuration it was created with.
	again := openStream(t, s, "logs-b", store.StreamOptions{})
	if info, _ := again.Info(ctx); info.MaxAge != time.Hour {
		t.Errorf("reopening changed MaxAge to %v", info.MaxAge)
	}
	list, err := s.Streams(ctx, "logs-")
	if err != nil || len(list) != 2 || list[0].Name != "logs-a" || list[1].Name != "logs-b" || list[1].MaxAge != time.Hour {
		t.Fatalf("Streams = %+v, %v", list, err)
	}
	if err := s.DeleteStream(ctx, "logs-a"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(ctx, "logs-a"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if err := again.Append(ctx, []store.Message{{Key: "k", Data: []byte("x")}}); err != nil {
		t.Errorf("append to a live stream: %v", err)
	}
	if err := s.DeleteStream(ctx, "logs-b"); err != nil {
		t.Fatal(err)
	}
	if err := again.Append(ctx, []store.Message{{Key: "k", Data: []byte("x")}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("append to a deleted stream: %v", err)
	}
	if _, err := s.Stream(ctx, "bad.name", store.StreamOptions{}); !errors.Is(err, store.ErrInvalidKey) {
		t.Errorf("dotted stream name: %v", err)
	}
}

// JetStream itself deletes messages older than MaxAge, also after Update
// shortens it.
func TestStreamMaxAgeDeletes(t *testing.T) {
	s := storetest.OpenDir(t, t.TempDir())
	ctx := storetest.Context(t)
	st := openStream(t, s, "aging", store.StreamOptions{})
	appendN(t, st, "k", 3)
	if err := st.Update(ctx, store.StreamOptions{MaxAge: 500 * time.Millisecond, Meta: map[string]string{"retention": "short"}}); err != nil {
		t.Fatal(err)
	}
	var info store.StreamInfo
	poll(t, 20*time.Second, "JetStream to expire messages older than MaxAge", func() bool {
		var err error
		if info, err = st.Info(ctx); err != nil {
			t.Fatal(err)
		}
		return info.Messages == 0
	})
	if info.Meta["retention"] != "short" || info.MaxAge != 500*time.Millisecond {
		t.Errorf("updated info = %+v", info)
	}
	if err := st.Update(ctx, store.StreamOptions{}); err != nil {
		t.Fatalf("removing MaxAge: %v", err)
	}
	if info, _ := st.Info(ctx); info.MaxAge != 0 {
		t.Errorf("MaxAge after removal = %v", info.MaxAge)
	}
}

// poll checks cond every 20 ms until it holds or timeout passes.
func poll(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}
