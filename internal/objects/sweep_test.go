package objects

import (
	"context"
	"strings"
	"testing"
	"time"

	"gust/internal/store"
)

func openService(t *testing.T) (*Service, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	tables := map[string]*store.Table{}
	for _, n := range []string{"s3buckets", "s3objects", "s3uploads"} {
		if tables[n], err = st.Table(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	return New(Options{Blobs: st, Buckets: tables["s3buckets"], Objects: tables["s3objects"], Uploads: tables["s3uploads"], Region: "us-east-1"}), st
}

// TestSweepBlobs: a blob no record names (a crash between the blob and its
// record) is swept; the blobs of objects and of uploaded parts are not.
func TestSweepBlobs(t *testing.T) {
	ctx := context.Background()
	s, st := openService(t)
	if err := s.CreateBucket(ctx, "bkt", ""); err != nil {
		t.Fatal(err)
	}
	obj, err := s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "kept", Body: strings.NewReader("kept bytes")})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUpload(ctx, Upload{Bucket: "bkt", Key: "mp"})
	if err != nil {
		t.Fatal(err)
	}
	part, err := s.UploadPart(ctx, "bkt", "mp", u.ID, 1, strings.NewReader("part"), Expect{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutBlob(ctx, "orphan", strings.NewReader("left by a crash")); err != nil {
		t.Fatal(err)
	}
	// A cut-off before everything sweeps nothing.
	if n, err := s.SweepBlobs(ctx, st, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("sweep with an old cut-off: %d, %v", n, err)
	}
	n, err := s.SweepBlobs(ctx, st, time.Now().Add(time.Second))
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v; want the one orphan", n, err)
	}
	if _, err := st.GetBlob(ctx, "orphan"); err == nil {
		t.Error("orphan still stored")
	}
	for _, b := range []string{obj.Parts[0].Blob, part.Blob} {
		r, err := st.GetBlob(ctx, b)
		if err != nil {
			t.Errorf("blob %s in use was swept: %v", b, err)
			continue
		}
		r.Close()
	}
}
