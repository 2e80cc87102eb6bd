package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	for _, c := range []struct {
		name, body string
		status     int
		notGust    bool
	}{
		{"gust", `{"status":"ok","service":"gust","region":"eu-west-1"}`, 200, false},
		{"another service's health", `{"status":"ok"}`, 200, true},
		{"html", `<html>hello</html>`, 200, true},
		{"not found", "404 page not found", 404, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/health" {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			h, err := probe(context.Background(), srv.URL+"/")
			var ng *notGustError
			if c.notGust != errors.As(err, &ng) {
				t.Fatalf("probe: %+v %v", h, err)
			}
			if !c.notGust && h.Region != "eu-west-1" {
				t.Fatalf("region %q", h.Region)
			}
		})
	}
	_, err := probe(context.Background(), "http://127.0.0.1:1")
	var ue *unreachableError
	if !errors.As(err, &ue) {
		t.Fatalf("nothing listening: %v", err)
	}
}

func TestIsLocal(t *testing.T) {
	for ep, want := range map[string]bool{
		"http://127.0.0.1:9000":       true,
		"http://localhost:9000":       true,
		"http://[::1]:9000":           true,
		"http://0.0.0.0:9000":         true,
		"https://lambda.example.com":  false,
		"http://192.0.2.10:9000":      false, // TEST-NET-1: never this machine's
		"http://gust.localhost:9000/": true,
		"::not a url":                 false,
	} {
		if got := isLocal(ep); got != want {
			t.Errorf("isLocal(%q) = %v", ep, got)
		}
	}
}

func TestRemoteNoCredentials(t *testing.T) {
	msg := remoteNoCredentials("https://lambda.example.com").Error()
	if !strings.Contains(msg, "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) with a key pair of the Gust server at https://lambda.example.com") {
		t.Fatal(msg)
	}
}
