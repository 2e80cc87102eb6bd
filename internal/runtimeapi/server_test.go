package runtimeapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFullCycle(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()

	for i := range 3 {
		deadline := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
		inv := Invocation{
			RequestID:          fmt.Sprintf("req-%d", i),
			Payload:            []byte(fmt.Sprintf(`{"n":%d}`, i)),
			Deadline:           deadline,
			InvokedFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:f",
			TraceID:            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
			ClientContext:      `{"custom":{"k":"v"}}`,
			CognitoIdentity:    `{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}`,
		}
		out := h.invokeAsync(context.Background(), inv)

		ev := recv(t, nx)
		wantStatus(t, ev, http.StatusOK)
		if string(ev.body) != string(inv.Payload) {
			t.Fatalf("event body %s, want %s", ev.body, inv.Payload)
		}
		for name, want := range map[string]string{
			"Lambda-Runtime-Aws-Request-Id":       inv.RequestID,
			"Lambda-Runtime-Deadline-Ms":          strconv.FormatInt(deadline.UnixMilli(), 10),
			"Lambda-Runtime-Invoked-Function-Arn": inv.InvokedFunctionARN,
			"Lambda-Runtime-Trace-Id":             inv.TraceID,
			"Lambda-Runtime-Client-Context":       inv.ClientContext,
			"Lambda-Runtime-Cognito-Identity":     inv.CognitoIdentity,
			"Content-Type":                        "application/json",
		} {
			if got := ev.header.Get(name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}

		// The runtime answers, then asks for more before Invoke returns.
		a := h.respond(inv.RequestID, fmt.Sprintf(`{"echo":%d}`, i))
		wantStatus(t, a, http.StatusAccepted)
		wantJSON(t, a.body, `{"status":"OK"}`)
		nx = h.nextAsync(context.Background())

		o := recv(t, out)
		if o.err != nil {
			t.Fatalf("Invoke: %v", o.err)
		}
		if o.res.Err != nil || string(o.res.Payload) != fmt.Sprintf(`{"echo":%d}`, i) {
			t.Fatalf("result %+v", o.res)
		}
	}
	eventually(t, "the runtime waiting again", func() bool { return h.s.waiters() == 1 })
}

func TestEventHeadersLeftOutWhenEmpty(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
	ev := recv(t, nx)
	wantStatus(t, ev, http.StatusOK)
	for _, name := range []string{headerDeadlineMs, headerInvokedARN, headerTraceID, headerClientContext, headerCognitoIdentity} {
		if v, ok := ev.header[name]; ok {
			t.Errorf("%s sent as %q", name, v)
		}
	}
	if len(ev.body) != 0 {
		t.Errorf("body %q", ev.body)
	}
}

func TestInvokeRefusals(t *testing.T) {
	h := startServer(t, Options{})
	ctx := context.Background()

	if _, err := h.s.Invoke(ctx, Invocation{RequestID: "early"}); !errors.Is(err, ErrNotReady) {
		t.Fatalf("Invoke before init: %v, want ErrNotReady", err)
	}
	for _, id := range []string{"", "a/b", "a b", "a%2F", strings.Repeat("x", 257)} {
		if _, err := h.s.Invoke(ctx, Invocation{RequestID: id}); !errors.Is(err, ErrInvalidInvocation) {
			t.Errorf("request id %q: %v, want ErrInvalidInvocation", id, err)
		}
	}
	if _, err := h.s.Invoke(ctx, Invocation{RequestID: "r", TraceID: "a\x00b"}); !errors.Is(err, ErrInvalidInvocation) {
		t.Errorf("control character in a header: %v, want ErrInvalidInvocation", err)
	}

	nx := h.initRuntime()
	first := h.invokeAsync(ctx, Invocation{RequestID: "first"})
	wantStatus(t, recv(t, nx), http.StatusOK)
	if _, err := h.s.Invoke(ctx, Invocation{RequestID: "second"}); !errors.Is(err, ErrBusy) {
		t.Fatalf("Invoke while busy: %v, want ErrBusy", err)
	}
	wantStatus(t, h.respond("first", `1`), http.StatusAccepted)
	if o := recv(t, first); o.err != nil {
		t.Fatal(o.err)
	}
}

func TestInvokeQueuedBeforeRuntimeAsks(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "a"})
	wantStatus(t, recv(t, nx), http.StatusOK)
	wantStatus(t, h.respond("a", `"a"`), http.StatusAccepted)
	recv(t, out)

	// The runtime is not in /next yet: the next Invoke waits for it.
	out = h.invokeAsync(context.Background(), Invocation{RequestID: "b", Payload: []byte(`"b"`)})
	eventually(t, "the invocation queued", func() bool { return h.s.currentState() == stateQueued })
	ev := h.next(context.Background())
	wantStatus(t, ev, http.StatusOK)
	if ev.header.Get(headerRequestID) != "b" {
		t.Fatalf("delivered %q", ev.header.Get(headerRequestID))
	}
	wantStatus(t, h.respond("b", `"B"`), http.StatusAccepted)
	if o := recv(t, out); o.err != nil || string(o.res.Payload) != `"B"` {
		t.Fatalf("%+v", o)
	}
}

func TestErrorPosts(t *testing.T) {
	cases := []struct {
		name        string
		header      http.Header
		body        string
		wantType    string
		wantPayload string
	}{{
		name:        "json body with a valid type",
		header:      http.Header{headerErrorType: {"Function.MyError"}, "Content-Type": {"application/json"}},
		body:        `{"errorMessage":"boom","errorType":"MyError","stackTrace":["a","b"]}`,
		wantType:    "Function.MyError",
		wantPayload: `{"errorMessage":"boom","errorType":"MyError","stackTrace":["a","b"]}`,
	}, {
		name:        "no type (aws-lambda-go)",
		body:        `{"errorMessage":"boom","errorType":"errorString"}`,
		wantType:    "Runtime.Unknown",
		wantPayload: `{"errorMessage":"boom","errorType":"errorString"}`,
	}, {
		name:        "invalid type",
		header:      http.Header{headerErrorType: {"MyError"}},
		body:        `{"errorMessage":"boom"}`,
		wantType:    "Runtime.Unknown",
		wantPayload: `{"errorMessage":"boom"}`,
	}, {
		name:        "invalid function type",
		header:      http.Header{headerErrorType: {"Function.lower"}},
		body:        `{}`,
		wantType:    "Function.Unknown",
		wantPayload: `{}`,
	}, {
		name:        "text body",
		header:      http.Header{headerErrorType: {"Runtime.ExitError"}},
		body:        "it broke\n",
		wantType:    "Runtime.ExitError",
		wantPayload: `{"errorMessage":"it broke","errorType":"Runtime.ExitError"}`,
	}, {
		name:        "empty body",
		header:      http.Header{headerErrorType: {"Runtime.ExitError"}},
		wantType:    "Runtime.ExitError",
		wantPayload: `{"errorMessage":"Unknown application error occurred","errorType":"Runtime.ExitError"}`,
	}, {
		name:        "error cause content type",
		header:      http.Header{"Content-Type": {errorCauseContentType}, headerErrorType: {"Function.Xy"}},
		body:        `{"errorMessage":"m","errorType":"T","stackTrace":["s"],"errorCause":{"paths":[]}}`,
		wantType:    "Function.Xy",
		wantPayload: `{"errorMessage":"m","errorType":"T","stackTrace":["s"]}`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := startServer(t, Options{})
			nx := h.initRuntime()
			out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
			wantStatus(t, recv(t, nx), http.StatusOK)
			a := h.post("/invocation/r/error", c.header, c.body)
			wantStatus(t, a, http.StatusAccepted)
			wantJSON(t, a.body, `{"status":"OK"}`)
			o := recv(t, out)
			if o.err != nil {
				t.Fatal(o.err)
			}
			if o.res.Err == nil {
				t.Fatal("no FunctionError")
			}
			if o.res.Err.Type != c.wantType {
				t.Errorf("type %q, want %q", o.res.Err.Type, c.wantType)
			}
			wantJSON(t, o.res.Err.Body, c.wantPayload)
			wantJSON(t, o.res.Payload, c.wantPayload)
		})
	}
}

func TestInitError(t *testing.T) {
	h := startServer(t, Options{})
	waited := make(chan error, 1)
	go func() { waited <- h.s.WaitInit(context.Background()) }()

	a := h.post("/init/error", http.Header{headerErrorType: {"Runtime.ImportModuleError"}},
		`{"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError","stackTrace":[]}`)
	wantStatus(t, a, http.StatusAccepted)
	wantJSON(t, a.body, `{"status":"OK"}`)

	fe := asFunctionError(t, recv(t, waited))
	if fe.Type != "Runtime.ImportModuleError" {
		t.Errorf("type %q", fe.Type)
	}
	wantJSON(t, fe.Body, `{"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError","stackTrace":[]}`)
	if !strings.Contains(fe.Error(), "Unable to import module") {
		t.Errorf("Error() = %q", fe.Error())
	}
	// Later calls see the same error; the runtime may do nothing more.
	asFunctionError(t, h.s.WaitInit(context.Background()))
	a = h.next(context.Background())
	wantStatus(t, a, http.StatusForbidden)
	if d := a.errorDoc(t); d.ErrorType != "InvalidStateTransition" ||
		d.ErrorMessage != "State transition from InitError to Ready failed for runtime. Error: State transition is not allowed" {
		t.Errorf("%+v", d)
	}
	wantStatus(t, h.post("/init/error", nil, `{}`), http.StatusForbidden)
	if _, err := h.s.Invoke(context.Background(), Invocation{RequestID: "r"}); !errors.Is(err, ErrNotReady) {
		t.Fatalf("Invoke after init error: %v", err)
	}
}

func TestInitErrorAfterInit(t *testing.T) {
	h := startServer(t, Options{})
	h.initRuntime()
	a := h.post("/init/error", nil, `{}`)
	wantStatus(t, a, http.StatusForbidden)
	if d := a.errorDoc(t); d.ErrorMessage != "State transition from Ready to InitError failed for runtime. Error: State transition is not allowed" {
		t.Errorf("%+v", d)
	}
	if err := h.s.WaitInit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWaitInitEnds(t *testing.T) {
	h := startServer(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := h.s.WaitInit(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitInit: %v, want deadline exceeded", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- h.s.WaitInit(context.Background()) }()
	h.s.Close()
	if err := recv(t, waited); !errors.Is(err, ErrClosed) {
		t.Fatalf("WaitInit after Close: %v", err)
	}
}

func TestInvokeTimeoutAfterDelivery(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	out := h.invokeAsync(ctx, Invocation{RequestID: "slow"})
	wantStatus(t, recv(t, nx), http.StatusOK)
	if o := recv(t, out); !errors.Is(o.err, context.DeadlineExceeded) {
		t.Fatalf("Invoke: %+v, want deadline exceeded", o)
	}
	if _, err := h.s.Invoke(context.Background(), Invocation{RequestID: "next"}); !errors.Is(err, ErrAbandoned) {
		t.Fatalf("Invoke after a timeout: %v, want ErrAbandoned", err)
	}
	// The late answer is refused; the environment is on its way out.
	a := h.respond("slow", `"late"`)
	wantStatus(t, a, http.StatusForbidden)
	wantStatus(t, h.next(context.Background()), http.StatusForbidden)
}

func TestInvokeTimeoutBeforeDelivery(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "a"})
	wantStatus(t, recv(t, nx), http.StatusOK)
	wantStatus(t, h.respond("a", `1`), http.StatusAccepted)
	recv(t, out)

	// The runtime never asks again.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := h.s.Invoke(ctx, Invocation{RequestID: "b"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Invoke: %v", err)
	}
	if got := h.s.currentState(); got != stateAbandoned {
		t.Fatalf("state %s", got)
	}
}

func TestOversizedResponse(t *testing.T) {
	const limit = 1000
	for _, c := range []struct {
		name    string
		size    int
		chunked bool
	}{
		{"content length", 1001, false},
		{"chunked", 5000, true},
		{"chunked just over", 1001, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := startServer(t, Options{MaxResponseBytes: limit})
			nx := h.initRuntime()
			out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
			wantStatus(t, recv(t, nx), http.StatusOK)

			var body io.Reader = strings.NewReader(strings.Repeat("x", c.size))
			if c.chunked {
				body = io.MultiReader(body) // hides the length: chunked encoding
			}
			a := h.do(context.Background(), http.MethodPost, "/invocation/r/response", nil, body)
			wantStatus(t, a, http.StatusRequestEntityTooLarge)
			wantJSON(t, a.body, `{"errorMessage":"Exceeded maximum allowed payload size (1000 bytes).","errorType":"RequestEntityTooLarge"}`)

			o := recv(t, out)
			if o.err != nil || o.res.Err == nil {
				t.Fatalf("%+v", o)
			}
			if o.res.Err.Type != "Function.ResponseSizeTooLarge" {
				t.Errorf("type %q", o.res.Err.Type)
			}
			wantJSON(t, o.res.Payload, fmt.Sprintf(`{"errorMessage":"Response payload size (%d bytes) exceeded maximum allowed payload size (1000 bytes).","errorType":"Function.ResponseSizeTooLarge"}`, c.size))

			// The runtime carries on.
			nx = h.nextAsync(context.Background())
			eventually(t, "the runtime waiting", func() bool { return h.s.currentState() == stateReady })
		})
	}

	t.Run("exactly the limit", func(t *testing.T) {
		h := startServer(t, Options{MaxResponseBytes: limit})
		nx := h.initRuntime()
		out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
		wantStatus(t, recv(t, nx), http.StatusOK)
		wantStatus(t, h.respond("r", strings.Repeat("x", limit)), http.StatusAccepted)
		if o := recv(t, out); o.err != nil || o.res.Err != nil || len(o.res.Payload) != limit {
			t.Fatalf("%v %v %d", o.err, o.res.Err, len(o.res.Payload))
		}
	})

	t.Run("error body", func(t *testing.T) {
		h := startServer(t, Options{MaxResponseBytes: limit})
		nx := h.initRuntime()
		out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
		wantStatus(t, recv(t, nx), http.StatusOK)
		wantStatus(t, h.post("/invocation/r/error", nil, strings.Repeat("x", 2*limit)), http.StatusRequestEntityTooLarge)
		if o := recv(t, out); o.res.Err == nil || o.res.Err.Type != ErrorTypeResponseSizeTooLarge {
			t.Fatalf("%+v", o)
		}
	})
}

func TestDefaultLimitIsLambdas(t *testing.T) {
	if s := NewServer(Options{}); s.limit != 6291556 {
		t.Fatalf("default limit %d", s.limit)
	}
}

func TestStreamingResponseRefused(t *testing.T) {
	for _, mode := range []string{"streaming", "bogus"} {
		t.Run(mode, func(t *testing.T) {
			h := startServer(t, Options{})
			nx := h.initRuntime()
			out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
			wantStatus(t, recv(t, nx), http.StatusOK)

			// A stream that has started and will not end until it is
			// answered.
			pr, pw := io.Pipe()
			defer pw.Close()
			go func() { _, _ = pw.Write([]byte("first chunk")) }()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			a := h.do(ctx, http.MethodPost, "/invocation/r/response",
				http.Header{headerResponseMode: {mode}, "Content-Type": {"application/vnd.awslambda.http-integration-response"}}, pr)
			wantStatus(t, a, http.StatusBadRequest)
			d := a.errorDoc(t)
			if d.ErrorType != "InvalidFunctionResponseMode" {
				t.Errorf("%+v", d)
			}
			o := recv(t, out)
			if o.err != nil || o.res.Err == nil || o.res.Err.Type != "Runtime.InvalidResponseModeHeader" {
				t.Fatalf("%+v", o)
			}
			if mode == "streaming" {
				for _, msg := range []string{d.ErrorMessage, o.res.Err.Error()} {
					if !strings.Contains(msg, "not supported by Gust") {
						t.Errorf("message %q does not say streaming is unsupported", msg)
					}
				}
			}
		})
	}
}

func TestResponseErrorTrailers(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
	wantStatus(t, recv(t, nx), http.StatusOK)

	doc := `{"errorMessage":"reader failed","errorType":"errorString"}`
	req, err := http.NewRequest(http.MethodPost, h.base+"/invocation/r/response", io.MultiReader(strings.NewReader(`{"partial":`)))
	if err != nil {
		t.Fatal(err)
	}
	req.Trailer = http.Header{
		headerErrorType: {"Function.StreamError"},
		headerErrorBody: {base64.StdEncoding.EncodeToString([]byte(doc))},
	}
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d", resp.StatusCode)
	}
	o := recv(t, out)
	if o.res.Err == nil || o.res.Err.Type != "Function.StreamError" {
		t.Fatalf("%+v", o)
	}
	wantJSON(t, o.res.Payload, doc)
}

func TestWrongRequestID(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "right"})
	wantStatus(t, recv(t, nx), http.StatusOK)

	for _, path := range []string{"/invocation/wrong/response", "/invocation/wrong/error", "/invocation/next/response"} {
		a := h.post(path, nil, `{}`)
		wantStatus(t, a, http.StatusBadRequest)
		wantJSON(t, a.body, `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`)
	}
	// The invocation is still open for the right id.
	wantStatus(t, h.respond("right", `"ok"`), http.StatusAccepted)
	if o := recv(t, out); o.err != nil || string(o.res.Payload) != `"ok"` {
		t.Fatalf("%+v", o)
	}
}

func TestWrongStates(t *testing.T) {
	// A debug logger, discarding, runs every log call on the way.
	h := startServer(t, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	// Before init there is no invocation: any id is unknown.
	wantStatus(t, h.respond("r", `{}`), http.StatusBadRequest)

	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
	wantStatus(t, recv(t, nx), http.StatusOK)
	wantStatus(t, h.respond("r", `1`), http.StatusAccepted)
	recv(t, out)

	// A second answer for the same id, by either route.
	a := h.respond("r", `2`)
	wantStatus(t, a, http.StatusForbidden)
	if d := a.errorDoc(t); d.ErrorMessage != "State transition from Responded to InvocationResponse failed for runtime. Error: State transition is not allowed" {
		t.Errorf("%+v", d)
	}
	a = h.post("/invocation/r/error", nil, `{}`)
	wantStatus(t, a, http.StatusForbidden)
	if d := a.errorDoc(t); d.ErrorMessage != "State transition from Responded to InvocationErrorResponse failed for runtime. Error: State transition is not allowed" {
		t.Errorf("%+v", d)
	}

	// And while the runtime waits in /next.
	h.nextAsync(context.Background())
	eventually(t, "the runtime waiting", func() bool { return h.s.waiters() == 1 })
	wantStatus(t, h.respond("r", `3`), http.StatusForbidden)
}

func TestRoutes(t *testing.T) {
	h := startServer(t, Options{})
	for _, c := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/invocation/nope", 404, ""},
		{http.MethodGet, "/init/nope", 404, ""},
		{http.MethodPost, "/invocation/next", 405, "GET"},
		{http.MethodHead, "/invocation/next", 405, "GET"},
		{http.MethodGet, "/invocation/r/response", 405, "POST"},
		{http.MethodPut, "/invocation/r/error", 405, "POST"},
		{http.MethodGet, "/init/error", 405, "POST"},
	} {
		a := h.do(context.Background(), c.method, c.path, nil, nil)
		wantStatus(t, a, c.status)
		if got := a.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+h.addr+"/2015-03-31/functions", nil)
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d", resp.StatusCode)
	}
	if got := h.s.currentState(); got != stateStarted {
		t.Errorf("state %s: refused requests moved the machine", got)
	}
}

func TestNextClientDisconnects(t *testing.T) {
	h := startServer(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	gone := h.nextAsync(ctx)
	if err := h.s.WaitInit(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first /next waiting", func() bool { return h.s.waiters() == 1 })
	cancel()
	if a := recv(t, gone); a.err == nil {
		t.Fatalf("cancelled request answered %d", a.status)
	}
	eventually(t, "the abandoned /next to go", func() bool { return h.s.waiters() == 0 })

	out := h.invokeAsync(context.Background(), Invocation{RequestID: "kept", Payload: []byte(`"e"`)})
	eventually(t, "the invocation queued", func() bool { return h.s.currentState() == stateQueued })
	ev := h.next(context.Background())
	wantStatus(t, ev, http.StatusOK)
	if ev.header.Get(headerRequestID) != "kept" || string(ev.body) != `"e"` {
		t.Fatalf("got %q %s", ev.header.Get(headerRequestID), ev.body)
	}
	wantStatus(t, h.respond("kept", `"r"`), http.StatusAccepted)
	if o := recv(t, out); o.err != nil || string(o.res.Payload) != `"r"` {
		t.Fatalf("%+v", o)
	}
}

// TestNextRedelivers covers an event handed to a /next whose client was
// already gone: the runtime's next call gets it.
func TestNextRedelivers(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "r", Payload: []byte(`"e"`)})
	wantStatus(t, recv(t, nx), http.StatusOK) // "lost"

	ev := h.next(context.Background())
	wantStatus(t, ev, http.StatusOK)
	if ev.header.Get(headerRequestID) != "r" || string(ev.body) != `"e"` {
		t.Fatalf("got %q %s", ev.header.Get(headerRequestID), ev.body)
	}
	wantStatus(t, h.respond("r", `1`), http.StatusAccepted)
	recv(t, out)
}

func TestCloseUnblocksEverything(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
	wantStatus(t, recv(t, nx), http.StatusOK)

	if err := h.s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if o := recv(t, out); !errors.Is(o.err, ErrClosed) {
		t.Fatalf("Invoke: %+v, want ErrClosed", o)
	}
	if _, err := h.s.Invoke(context.Background(), Invocation{RequestID: "x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Invoke after Close: %v", err)
	}
	if err := h.s.WaitInit(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("WaitInit after Close: %v", err)
	}
}

func TestCloseAnswersWaitingNext(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	eventually(t, "the runtime waiting", func() bool { return h.s.waiters() == 1 })
	h.s.Close()
	// The connection is closed under the request, or the 403 gets out
	// first; either way the runtime stops waiting.
	if a := recv(t, nx); a.err == nil && a.status != http.StatusForbidden {
		t.Fatalf("status %d", a.status)
	}
}

func TestServeAfterClose(t *testing.T) {
	h := startServer(t, Options{})
	h.s.Close()
	l, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.s.Serve(l); err != nil {
		t.Fatalf("Serve after Close: %v", err)
	}
}

func TestCloseLeaksNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		h := startServer(t, Options{})
		nx := h.initRuntime()
		for i := range 3 {
			id := strconv.Itoa(i)
			out := h.invokeAsync(context.Background(), Invocation{RequestID: id})
			wantStatus(t, recv(t, nx), http.StatusOK)
			wantStatus(t, h.respond(id, `1`), http.StatusAccepted)
			recv(t, out)
			nx = h.nextAsync(context.Background())
		}
		eventually(t, "the runtime waiting", func() bool { return h.s.waiters() == 1 })
		slow, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		pending := h.invokeAsync(slow, Invocation{RequestID: "pending"})
		recv(t, nx)
		h.s.Close()
		recv(t, pending)
		h.client.CloseIdleConnections()
	}()
	eventually(t, fmt.Sprintf("goroutines back to %d", before), func() bool {
		return runtime.NumGoroutine() <= before
	})
}

func TestTruncatedResponse(t *testing.T) {
	h := startServer(t, Options{})
	nx := h.initRuntime()
	out := h.invokeAsync(context.Background(), Invocation{RequestID: "r"})
	wantStatus(t, recv(t, nx), http.StatusOK)

	// The runtime promises 100 bytes, sends 10 and dies.
	conn, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s/invocation/r/response HTTP/1.1\r\nHost: %s\r\nContent-Length: 100\r\n\r\n0123456789", apiPrefix, h.addr)
	conn.Close()

	o := recv(t, out)
	if o.err != nil || o.res.Err == nil || o.res.Err.Type != ErrorTypeTruncatedResponse {
		t.Fatalf("%+v", o)
	}
	if !json.Valid(o.res.Payload) {
		t.Fatalf("payload %q", o.res.Payload)
	}
	// The runtime (restarted, say) may carry on.
	h.nextAsync(context.Background())
	eventually(t, "the runtime waiting", func() bool { return h.s.waiters() == 1 })
}
