package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gust/internal/store"
	"gust/internal/store/storetest"
)

func TestLeaseStreamLeases(t *testing.T) {
	s := storetest.Open(t)
	ctx := storetest.Context(t)
	ls, err := s.LeaseStream(ctx, "q1", store.LeaseStreamOptions{MaxAge: time.Hour, Duplicates: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ls.Consumer(ctx, "r", "r", store.LeaseConsumerOptions{AckWait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	seq, dup, err := ls.Publish(ctx, store.Publication{Key: "r", ID: "a", Data: []byte("one"), Header: map[string]string{"X-A": "1"}})
	if err != nil || dup {
		t.Fatalf("Publish: %d %v %v", seq, dup, err)
	}
	seq2, dup, err := ls.Publish(ctx, store.Publication{Key: "r", ID: "a", Data: []byte("again")})
	if err != nil || !dup || seq2 != seq {
		t.Fatalf("duplicate Publish: seq %d dup %v err %v, want seq %d dup", seq2, dup, err, seq)
	}
	got, err := c.Fetch(ctx, 10, 0)
	if err != nil || len(got) != 1 || string(got[0].Data) != "one" || got[0].Header["X-A"] != "1" || got[0].Delivered != 1 {
		t.Fatalf("Fetch: %+v %v", got, err)
	}
	if again, _ := c.Fetch(ctx, 10, 0); len(again) != 0 {
		t.Fatalf("leased message handed out twice: %+v", again)
	}
	// Released with a delay: invisible until then, still ackable.
	if err := ls.Release(ctx, got[0].Token, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if again, _ := c.Fetch(ctx, 10, 0); len(again) != 0 {
		t.Fatalf("released message visible before its delay")
	}
	back, err := c.Fetch(ctx, 10, 2*time.Second)
	if err != nil || len(back) != 1 || back[0].Delivered != 2 {
		t.Fatalf("Fetch after release: %+v %v", back, err)
	}
	if err := ls.Ack(ctx, back[0].Token); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { st, _ := ls.State(ctx); return st.Messages == 0 })

	// Tokens of other streams and forged subjects are refused.
	other, err := s.LeaseStream(ctx, "q2", store.LeaseStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.CheckToken(back[0].Token); !errors.Is(err, store.ErrBadToken) {
		t.Errorf("token of q1 accepted by q2: %v", err)
	}
	for _, bad := range []string{"", "gust.queue.async", strings.Replace(back[0].Token, "$JS.ACK", "$JS.API", 1), back[0].Token + ".>"} {
		if err := ls.Ack(ctx, bad); !errors.Is(err, store.ErrBadToken) {
			t.Errorf("Ack(%q) = %v, want ErrBadToken", bad, err)
		}
	}
}

func TestLeaseStreamSchedules(t *testing.T) {
	s := storetest.Open(t)
	ctx := storetest.Context(t)
	ls, err := s.LeaseStream(ctx, "q3", store.LeaseStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ls.Consumer(ctx, "r", "r", store.LeaseConsumerOptions{AckWait: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Second)
	if _, _, err := ls.Publish(ctx, store.Publication{Key: "d.x1", Data: []byte("later"), Header: map[string]string{"X-A": "2"}, At: at, Target: "r"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ls.Counts(ctx, "d.*"); n["d.x1"] != 1 {
		t.Errorf("Counts(d.*) = %v", n)
	}
	if got, _ := c.Fetch(ctx, 1, 0); len(got) != 0 {
		t.Fatalf("scheduled message delivered early")
	}
	got, err := c.Fetch(ctx, 1, 5*time.Second)
	if err != nil || len(got) != 1 || string(got[0].Data) != "later" || got[0].Header["X-A"] != "2" {
		t.Fatalf("Fetch of scheduled message: %+v %v", got, err)
	}
	if time.Now().Before(at) {
		t.Errorf("scheduled message delivered before %v", at)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
