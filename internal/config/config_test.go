package config

import (
	"strings"
	"testing"
)

func TestValidateOutbound(t *testing.T) {
	for _, tc := range []struct {
		outbound, cidr, wantErr string
	}{
		{"gust", "100.64.0.0/16", ""},
		{"none", "100.64.0.0/16", ""},
		{"full", "100.64.0.0/16", ""},
		{"full", "10.200.0.0/24", ""},
		{"internet", "100.64.0.0/16", "outbound"},
		{"full", "100.64.0.0/31", "egress-cidr"},
		{"full", "10.0.0.0/7", "egress-cidr"},
		{"full", "fd00::/64", "egress-cidr"},
		{"full", "not-a-cidr", "egress-cidr"},
	} {
		c := Default()
		c.Outbound, c.EgressCIDR = tc.outbound, tc.cidr
		err := c.Validate()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("outbound %s, egress CIDR %s: %v", tc.outbound, tc.cidr, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("outbound %s, egress CIDR %s: %v, want an error about %s", tc.outbound, tc.cidr, err, tc.wantErr)
		}
	}
}

func TestValidateConsoleURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"":                               true,
		"http://localhost:9000":          true,
		"https://console.example.com":    true,
		"localhost:9000":                 false,
		"http://localhost:9000/console/": false,
		"http://0123456789abcdef0123456789abcdef.lambda-url.us-east-1.localhost:9000": false,
	} {
		c := Default()
		c.ConsoleURL = url
		if err := c.Validate(); (err == nil) != ok {
			t.Errorf("console-url %q: %v", url, err)
		}
	}
}
