//go:build linux

package main

import (
	"net"
	"strings"
	"testing"

	"gust/internal/config"
)

func TestWebOrigins(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}
	any := &net.TCPAddr{IP: net.IPv4zero, Port: 9000}
	for _, c := range []struct {
		name                string
		console, public     string
		addr                net.Addr
		wantConsole, wantPB string // wantPB "" = no path base (host form FunctionUrl)
		wantErr             string
	}{
		{"defaults", "", "", addr, "http://localhost:9000", "http://127.0.0.1:9000", ""},
		{"unspecified listen address", "", "", any, "http://localhost:9000", "http://127.0.0.1:9000", ""},
		{"public URL", "", "https://lambda.example.com", addr, "https://lambda.example.com", "", ""},
		{"console URL", "https://console.example.com", "https://lambda.example.com", addr, "https://console.example.com", "", ""},
		{"console URL, no public URL", "http://gust.lan:9000", "", addr, "http://gust.lan:9000", "http://127.0.0.1:9000", ""},
		{"console on the listen address", "http://127.0.0.1:9000", "", addr, "", "", "is the listen address"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.ConsoleURL, cfg.PublicURL = c.console, c.public
			o, pb, err := webOrigins(cfg, c.addr)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if pb != nil {
				got = pb.String()
			}
			if o.String() != c.wantConsole || got != c.wantPB {
				t.Fatalf("console %s, path base %q", o, got)
			}
		})
	}
}
