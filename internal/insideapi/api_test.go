package insideapi

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"gust/internal/sandbox"
)

// sharedInstance is an Instance without InsideListener, as the process
// backend's are.
type sharedInstance struct{ sandbox.Instance }

func TestFunctionEnvFollowsIsolation(t *testing.T) {
	pair := Pair{AccessKeyID: "ASIAFUNCTION", SecretAccessKey: "secret", SessionToken: "token", Expiration: time.Unix(1<<31, 0)}
	creds := Credentials(func(_ context.Context, function, role string) (Pair, error) {
		if function != "f" || role != "r" {
			t.Errorf("credentials asked for %s %s", function, role)
		}
		return pair, nil
	})
	h := http.NotFoundHandler()
	for _, tc := range []struct {
		name     string
		o        Options
		endpoint string // "" = none
		attached int
	}{
		{"own network", Options{Isolation: sandbox.Isolation{Contained: true, OwnNetwork: true}, Handler: h, Endpoint: "http://127.0.0.1:5000"}, "http://" + InsideAddress, 1},
		{"shared network", Options{Isolation: sandbox.Isolation{}, Handler: h, Endpoint: "http://127.0.0.1:5000"}, "http://127.0.0.1:5000", 0},
		{"outbound none", Options{Isolation: sandbox.Isolation{Contained: true, OwnNetwork: true}}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Credentials = creds
			a := New(tc.o)
			env, expires, err := a.FunctionEnv(context.Background(), "f", "r")
			if err != nil || !expires.Equal(pair.Expiration) {
				t.Fatalf("FunctionEnv: %v, expires %v", err, expires)
			}
			if !slices.Contains(env, "AWS_ACCESS_KEY_ID="+pair.AccessKeyID) || !slices.Contains(env, "AWS_SESSION_TOKEN="+pair.SessionToken) {
				t.Errorf("env %q lacks the function's credentials", env)
			}
			var got string
			for _, kv := range env {
				if v, ok := strings.CutPrefix(kv, "AWS_ENDPOINT_URL="); ok {
					got = v
				}
			}
			if got != tc.endpoint {
				t.Errorf("AWS_ENDPOINT_URL = %q, want %q", got, tc.endpoint)
			}
			if n := len(a.Attachments()); n != tc.attached {
				t.Errorf("%d attachments, want %d", n, tc.attached)
			}
		})
	}
}

// An instance that cannot listen inside is refused, not served elsewhere.
func TestAttachRefusesAnInstanceWithoutItsOwnNetwork(t *testing.T) {
	a := New(Options{Isolation: sandbox.Isolation{OwnNetwork: true}, Handler: http.NotFoundHandler()})
	if _, err := a.Attachments()[0].Attach(sharedInstance{}); err == nil {
		t.Fatal("attached to an instance without InsideListener")
	}
}

// listenerInstance listens on the host's loopback in place of a namespace.
type listenerInstance struct {
	sandbox.Instance
	ln net.Listener
}

func (l *listenerInstance) ListenInside(string) (net.Listener, error) {
	var err error
	l.ln, err = net.Listen("tcp", "127.0.0.1:0")
	return l.ln, err
}

func TestAttachServesUntilClosed(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("gust")) })
	a := New(Options{Isolation: sandbox.Isolation{OwnNetwork: true}, Handler: h})
	inst := &listenerInstance{}
	c, err := a.Attachments()[0].Attach(inst)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + inst.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + inst.ln.Addr().String()); err == nil {
		t.Error("still served after Close")
	}
}
