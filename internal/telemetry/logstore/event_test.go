package logstore

import (
	"strings"
	"testing"
	"time"

	"gust/internal/store"
)

func TestPackBounds(t *testing.T) {
	at := time.UnixMilli(1700000000123)
	var entries []Entry
	for range maxPerMessage + 10 {
		entries = append(entries, Entry{Stream: "s", Time: at, Message: "x"})
	}
	if msgs := pack(entries); len(msgs) != 2 {
		t.Errorf("%d short lines packed into %d messages, want 2", len(entries), len(msgs))
	}
	big := strings.Repeat("y", 256<<10)
	if msgs := pack([]Entry{{Time: at, Message: big}, {Time: at, Message: big}, {Time: at, Message: big}}); len(msgs) != 2 {
		t.Errorf("three 256 KB lines packed into %d messages, want 2", len(msgs))
	}
	msgs := pack([]Entry{{Time: at, Message: "one"}, {Time: at.Add(time.Millisecond), Message: ""}, {Time: at, Message: "three"}})
	events, ok := unpack(store.Message{Key: key("2024/01/01/[$LATEST]ab"), Data: msgs[0], Seq: 7, Time: at})
	if !ok || len(events) != 3 {
		t.Fatalf("unpack = %+v, %v", events, ok)
	}
	for i, want := range []string{"one", "", "three"} {
		e := events[i]
		if e.Message != want || e.ID != 7<<idBits|uint64(i) || e.Stream != "2024/01/01/[$LATEST]ab" || !e.Ingested.Equal(at) {
			t.Errorf("event %d = %+v", i, e)
		}
	}
	if !events[1].Time.Equal(at.Add(time.Millisecond)) {
		t.Errorf("timestamp = %v", events[1].Time)
	}
}

func FuzzUnpack(f *testing.F) {
	f.Add(pack([]Entry{{Time: time.Now(), Message: "a"}, {Time: time.Now(), Message: "bc"}})[0])
	f.Add([]byte{formatV1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		events, ok := unpack(store.Message{Key: "cw", Data: data, Seq: 1})
		if ok && len(events) > maxPerMessage {
			t.Errorf("%d events in one message", len(events))
		}
	})
}
