package logs_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gust/internal/api/awsjson"
	"gust/internal/api/golden"
	"gust/internal/api/logs"
	"gust/internal/api/sigv4"
	"gust/internal/store/storetest"
	"gust/internal/telemetry/logstore"
)

// TestGolden replays testdata/golden/*.json against the Logs API on a real
// log store (JetStream on a temporary directory), behind the JSON router,
// and compares every answer whole (see golden.Match).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	// Event times are written relative to now ("<now>", "<now+1>"...),
	// since CloudWatch refuses events older than 14 days.
	now := time.Now().UnixMilli()
	var pairs []string
	for d := -5; d <= 5; d++ {
		token := "<now>"
		if d != 0 {
			token = fmt.Sprintf("<now%+d>", d)
		}
		pairs = append(pairs, `"`+token+`"`, strconv.FormatInt(now+int64(d), 10))
	}
	times := strings.NewReplacer(pairs...)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			t.Parallel()
			api := logs.New(logs.Options{Store: logstore.New(storetest.Open(t)), Region: golden.Region, AccountID: golden.Account})
			router := awsjson.New(awsjson.Options{Verifier: &sigv4.Verifier{Lookup: golden.Lookup}}, api.Service())
			srv := httptest.NewServer(router)
			t.Cleanup(srv.Close)
			golden.Replay(t, f, func(t *testing.T, r golden.Request) (int, http.Header, []byte) {
				body := []byte(times.Replace(string(r.Body)))
				req, err := http.NewRequest(r.Method, srv.URL+r.Path, bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				for k, v := range r.Headers {
					req.Header.Set(k, v)
				}
				if err := golden.Sign(req, body, logs.SigningName); err != nil {
					t.Fatal(err)
				}
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				return res.StatusCode, res.Header, b
			}, times)
		})
	}
}
