package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzRuntimeAPI sends arbitrary requests to a server in an arbitrary state:
// it must never panic, always answer with a valid status (or, for a /next
// that waits, not at all), keep its state machine consistent, and still
// close cleanly.
func FuzzRuntimeAPI(f *testing.F) {
	paths := []string{
		apiPrefix + "/invocation/next",
		apiPrefix + "/invocation/req-1/response",
		apiPrefix + "/invocation/req-1/error",
		apiPrefix + "/init/error",
		apiPrefix + "/invocation/other/response",
		"/", "//x/../y", apiPrefix + "/invocation//response",
	}
	for st := range uint8(numStates) {
		for _, p := range paths {
			for _, m := range []string{"GET", "POST"} {
				f.Add(st, m, p, headerErrorType, "Runtime.X", []byte(`{"errorMessage":"m"}`))
			}
		}
	}
	f.Add(uint8(stateInvoking), "POST", apiPrefix+"/invocation/req-1/response", headerResponseMode, "streaming", []byte("chunk"))
	f.Add(uint8(stateInvoking)|0x80, "POST", apiPrefix+"/invocation/req-1/response", "Content-Type", errorCauseContentType, bytes.Repeat([]byte("x"), 300))
	f.Add(uint8(stateInvoking), "POST", apiPrefix+"/invocation/req-1/error", "Content-Type", errorCauseContentType, []byte(`{"errorCause":1}`))
	f.Add(uint8(stateStarted), "POST", apiPrefix+"/init/error", headerErrorType, "", []byte("\xff\xfe"))

	f.Fuzz(func(t *testing.T, st uint8, method, path, hkey, hval string, body []byte) {
		s := NewServer(Options{MaxResponseBytes: 256})
		forceState(s, state(st&0x7f)%numStates, "req-1")

		if method == "" || !isToken(method) {
			method = http.MethodGet
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		header := http.Header{}
		if isToken(hkey) && isFieldValue(hval) {
			header.Set(hkey, hval)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Millisecond)
		defer cancel()
		req := (&http.Request{
			Method:     method,
			URL:        &url.URL{Path: path},
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     header,
			Body:       io.NopCloser(bytes.NewReader(body)),
			Host:       "127.0.0.1:9001",
			RequestURI: path,
		}).WithContext(ctx)
		req.ContentLength = int64(len(body))
		if st&0x80 != 0 {
			req.ContentLength = -1 // as if chunked
		}

		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)

		answered := rec.Body.Len() > 0 || len(rec.Header()) > 0
		if answered {
			if rec.Code < 100 || rec.Code > 599 {
				t.Fatalf("status %d", rec.Code)
			}
			if rec.Header().Get("Content-Type") == "application/json" && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("invalid JSON body %q", rec.Body)
			}
		} else if !(method == http.MethodGet && path == apiPrefix+"/invocation/next") {
			t.Fatalf("%s %s not answered", method, path)
		}

		s.mu.Lock()
		after, initErr, c := s.state, s.initErr, s.call
		s.mu.Unlock()
		if after >= numStates {
			t.Fatalf("state %d", after)
		}
		if after == stateInitError && initErr == nil {
			t.Fatal("InitError without its error")
		}
		if after == stateResponded {
			select {
			case <-c.done:
				if c.res.Err != nil && !json.Valid(c.res.Err.Body) {
					t.Fatalf("error body %q is not JSON", c.res.Err.Body)
				}
			default:
				t.Fatal("Responded without a result")
			}
		}

		closed := make(chan struct{})
		go func() {
			s.Close()
			close(closed)
		}()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("Close hung")
		}
	})
}

// isToken reports whether v is an HTTP token (a method or header name), the
// only kind net/http passes on to handlers.
func isToken(v string) bool {
	if v == "" {
		return false
	}
	for _, c := range []byte(v) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func isFieldValue(v string) bool {
	for _, c := range []byte(v) {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
