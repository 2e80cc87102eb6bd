package origin

import "testing"

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		origin, host string
		want         bool
	}{
		{"http://localhost:9000", "localhost:9000", true},
		{"http://localhost:9000", "LOCALHOST:9000", true},
		{"http://localhost:9000", "localhost.:9000", true},
		{"http://localhost:9000", "127.0.0.1:9000", false}, // a different origin to a browser
		{"http://localhost:9000", "localhost:9001", false},
		{"http://localhost:9000", "localhost", false},
		{"http://localhost:9000", "x.lambda-url.us-east-1.localhost:9000", false},
		{"https://lambda.example.com", "lambda.example.com", true},
		{"https://lambda.example.com", "lambda.example.com:443", true},
		{"https://lambda.example.com", "lambda.example.com:80", false},
		{"http://[::1]:9000", "[::1]:9000", true},
		{"http://[::1]:9000", "[::1]", false},
	} {
		o, err := Parse(c.origin)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.Matches(c.host); got != c.want {
			t.Errorf("%s matches %q = %v, want %v", c.origin, c.host, got, c.want)
		}
	}
	if (Origin{}).Matches("localhost:9000") || (Origin{}).Matches("") {
		t.Error("the zero origin matched")
	}
}

func TestParse(t *testing.T) {
	for _, bad := range []string{"", "localhost:9000", "ftp://x", "http://", "http://x/console/", "http://x?a=1", "http://u@x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{
		"http://LocalHost:9000/":     "http://localhost:9000",
		"https://lambda.example.com": "https://lambda.example.com",
		"http://x:80":                "http://x",
		"http://[::1]:9000":          "http://[::1]:9000",
	} {
		o, err := Parse(in)
		if err != nil || o.String() != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, o.String(), err, want)
		}
	}
}
