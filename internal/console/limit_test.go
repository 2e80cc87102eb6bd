package console

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := newLimiter(5, 12*time.Second) // 5 per minute, burst 5
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		if !l.allow("10.0.0.1", t0) {
			t.Fatalf("attempt %d of the burst refused", i+1)
		}
	}
	if l.allow("10.0.0.1", t0) {
		t.Fatal("sixth attempt in the same instant allowed")
	}
	if !l.allow("10.0.0.2", t0) {
		t.Fatal("another source is limited by the first one's attempts")
	}
	if l.allow("10.0.0.1", t0.Add(11*time.Second)) {
		t.Fatal("allowed before a token came back")
	}
	// Refused attempts do not push the next token further away.
	if !l.allow("10.0.0.1", t0.Add(12*time.Second)) {
		t.Fatal("refused after one interval")
	}
	if l.allow("10.0.0.1", t0.Add(13*time.Second)) {
		t.Fatal("two tokens out of one interval")
	}
	// A minute of quiet gives back the whole burst, and no more.
	later := t0.Add(10 * time.Minute)
	for i := range 5 {
		if !l.allow("10.0.0.1", later) {
			t.Fatalf("attempt %d after a quiet period refused", i+1)
		}
	}
	if l.allow("10.0.0.1", later) {
		t.Fatal("the bucket held more than the burst")
	}
}

func TestLimiterForgetsFullBuckets(t *testing.T) {
	l := newLimiter(5, 12*time.Second)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100 {
		l.allow(string(rune('a'+i%26))+string(rune('a'+i/26)), t0)
	}
	l.allow("x", t0.Add(2*time.Minute)) // sweeps: every other bucket is full again
	if len(l.buckets) != 1 {
		t.Fatalf("%d buckets kept, want 1", len(l.buckets))
	}
}
