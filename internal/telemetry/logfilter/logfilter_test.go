package logfilter

import (
	"errors"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern string
		msg     string
		want    bool
	}{
		{"", "anything", true},
		{"   ", "anything", true},
		{"ERROR", "an ERROR here", true},
		{"ERROR", "an error here", false}, // case-sensitive
		{"ERROR timeout", "ERROR: timeout after 3s", true},
		{"ERROR timeout", "ERROR: exited", false},
		{`"Task timed out"`, "2024-01-01 abc Task timed out after 3.00 seconds", true},
		{`"Task timed out"`, "Task was timed out", false},
		{`"say \"hi\""`, `they say "hi" twice`, true},
		{`"back\\slash"`, `a back\slash`, true},
		{"?ERROR ?WARN", "WARN disk", true},
		{"?ERROR ?WARN", "INFO disk", false},
		{"ERROR -healthcheck", "ERROR in handler", true},
		{"ERROR -healthcheck", "ERROR in healthcheck", false},
		{`-"GET /health"`, "GET /health 200", false},
		{`-"GET /health"`, "POST /x 200", true},
		{"%req-[0-9]+%", "served req-42", true},
		{"%req-[0-9]+%", "served req-x", false},
		{"START RequestId", "START RequestId: abc Version: $LATEST", true},
		{"REPORT ?timeout ?error", "REPORT RequestId: x Status: timeout", true},
		{"REPORT ?timeout ?error", "REPORT RequestId: x", false},
		{"ERROR\t-x", "ERROR y", true},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.pattern, err)
			continue
		}
		if got := p.Match(tt.msg); got != tt.want {
			t.Errorf("Parse(%q).Match(%q) = %v, want %v", tt.pattern, tt.msg, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{`"open`, `%open`, `%[%`, `? x`, `ERROR -`, string(make([]byte, MaxLength+1))} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded", s)
		}
	}
	for _, s := range []string{`{ $.level = "ERROR" }`, `[ip, user]`} {
		if _, err := Parse(s); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Parse(%q) = %v, want ErrUnsupported", s, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "ERROR", `"a b" -c ?d`, "%x+%", `"\"`, "?-x"} {
		f.Add(s, "message")
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := Parse(pattern)
		if err != nil {
			return
		}
		p.Match(msg)
		if p != nil && len(p.all)+len(p.any)+len(p.none) == 0 {
			t.Errorf("Parse(%q) gave an empty non-nil pattern", pattern)
		}
	})
}
