package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"gust/internal/gusttest"
)

// benchObjectSize is the object BenchmarkS3Throughput moves: 1 GiB, or
// GUST_BENCH_S3_MB megabytes.
func benchObjectSize() int64 {
	if mb, err := strconv.Atoi(os.Getenv("GUST_BENCH_S3_MB")); err == nil && mb > 0 {
		return int64(mb) << 20
	}
	return 1 << 30
}

// patternReader yields size bytes of a repeating random block without
// holding them all.
type patternReader struct {
	block []byte
	left  int64
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && p.left > 0 {
		c := copy(b[n:min(len(b), n+int(p.left))], p.block)
		n += c
		p.left -= int64(c)
	}
	return n, nil
}

func newPattern(size int64) *patternReader {
	block := make([]byte, 1<<20)
	_, _ = rand.Read(block)
	return &patternReader{block: block, left: size}
}

// BenchmarkS3Throughput: PUT (transfer manager, 16 MiB parts) and GET of
// one large object, beside writing and reading the same bytes to and
// from a file on the same disk (fsync'd, then read back cold of Go's
// buffers; the page cache is the kernel's).
func BenchmarkS3Throughput(b *testing.B) {
	size := benchObjectSize()
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--isolation", "process"}})
	ctx := gusttest.Context(b)
	c := s3ClientTB(srv)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "floor")
	_ = os.MkdirAll(dir, 0o755)
	var put, get, fput, fget time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 16 << 20; u.Concurrency = 4 })
		if _, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("big"), Body: newPattern(size)}); err != nil {
			b.Fatal(err)
		}
		put += time.Since(start)
		start = time.Now()
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("big")})
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, out.Body)
		out.Body.Close()
		if err != nil || n != size {
			b.Fatalf("GET read %d of %d: %v", n, size, err)
		}
		get += time.Since(start)

		start = time.Now()
		f, err := os.Create(filepath.Join(dir, "big"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(f, newPattern(size)); err != nil {
			b.Fatal(err)
		}
		_ = f.Sync()
		f.Close()
		fput += time.Since(start)
		start = time.Now()
		f, _ = os.Open(filepath.Join(dir, "big"))
		_, _ = io.Copy(io.Discard, f)
		f.Close()
		fget += time.Since(start)
	}
	mbps := func(d time.Duration) float64 { return float64(size) * float64(b.N) / d.Seconds() / 1e6 }
	b.ReportMetric(mbps(put), "put-MB/s")
	b.ReportMetric(mbps(get), "get-MB/s")
	b.ReportMetric(mbps(fput), "file-write-MB/s")
	b.ReportMetric(mbps(fget), "file-read-MB/s")
	b.ReportMetric(mbps(put)/mbps(fput), "x-floor-put")
	b.ReportMetric(mbps(get)/mbps(fget), "x-floor-get")
	b.ReportMetric(0, "ns/op")
}

func s3ClientTB(srv *gusttest.Server) *s3.Client {
	return s3.New(s3.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true,
		Credentials: credentialsFor(), RetryMaxAttempts: 1})
}

// BenchmarkS3SmallPuts: 4 KiB PUTs per second from 16 aws-sdk-go-v2
// clients, beside the same clients' PUTs to a bare HTTP server that
// answers 200 at once.
func BenchmarkS3SmallPuts(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--isolation", "process"}})
	ctx := gusttest.Context(b)
	c := s3ClientTB(srv)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("small")}); err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
	}))
	defer bare.Close()
	bareClient := s3.New(s3.Options{Region: gusttest.Region, BaseEndpoint: aws.String(bare.URL), UsePathStyle: true,
		Credentials: credentialsFor(), RetryMaxAttempts: 1})
	body := make([]byte, 4096)
	run := func(c *s3.Client) float64 {
		const clients = 16
		per := max(b.N/clients, 1)
		var wg sync.WaitGroup
		start := time.Now()
		for w := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range per {
					if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("small"), Key: aws.String(fmt.Sprintf("k/%d/%d", w, i)), Body: bytes.NewReader(body)}); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return float64(per*clients) / time.Since(start).Seconds()
	}
	floor := run(bareClient)
	got := run(c)
	b.ReportMetric(got, "puts/s")
	b.ReportMetric(floor, "floor-puts/s")
	b.ReportMetric(got/floor, "x-floor")
	b.ReportMetric(0, "ns/op")
}

func credentialsFor() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, "")
}

// BenchmarkS3NotifyLatency: from a PUT's response to the start of the
// function its notification invokes (the Python thumbnailer, warm after
// the first upload), read from the time the handler records.
func BenchmarkS3NotifyLatency(b *testing.B) {
	srv := gusttest.Start(b, gusttest.Options{Args: []string{"--isolation", "process"}})
	thumbnailerSetupTB(b, srv)
	ctx := gusttest.Context(b)
	c := s3ClientTB(srv)
	var lat latencies
	for i := 0; i <= b.N; i++ {
		key := fmt.Sprintf("lat/%d.jpg", i)
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String(key), Body: bytes.NewReader([]byte("x"))}); err != nil {
			b.Fatal(err)
		}
		done := time.Now()
		var thumb struct{ Started float64 }
		deadline := time.Now().Add(60 * time.Second)
		for {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("thumbs"), Key: aws.String(key + ".thumb")})
			if err == nil {
				body, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if err := json.Unmarshal(body, &thumb); err != nil {
					b.Fatal(err)
				}
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("no derived object for %s", key)
			}
			time.Sleep(2 * time.Millisecond)
		}
		if i == 0 {
			continue // the cold start
		}
		started := time.Unix(0, int64(thumb.Started*1e9))
		lat = append(lat, started.Sub(done))
	}
	b.ReportMetric(ms(lat.pct(0.50)), "p50-ms")
	b.ReportMetric(ms(lat.pct(0.99)), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
