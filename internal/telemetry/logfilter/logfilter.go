package logfilter

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Pattern is a parsed filter pattern. The nil Pattern matches everything.
type Pattern struct {
	all  []matcher // every one must match
	any  []matcher // when present, at least one must match
	none []matcher // none may match
}

type matcher interface{ match(msg string) bool }

type literal string

func (l literal) match(msg string) bool { return strings.Contains(msg, string(l)) }

type pattern struct{ re *regexp.Regexp }

func (p pattern) match(msg string) bool { return p.re.MatchString(msg) }

// MaxLength is CloudWatch's limit on a filter pattern.
const MaxLength = 1024

// ErrUnsupported is wrapped by Parse's error for JSON and space-delimited
// patterns.
var ErrUnsupported = errors.New("JSON and space-delimited filter patterns are not supported by Gust")

// Parse parses a filter pattern. An empty (or all-space) pattern gives nil.
func Parse(s string) (*Pattern, error) {
	if len(s) > MaxLength {
		return nil, fmt.Errorf("filter pattern is longer than %d characters", MaxLength)
	}
	trimmed := strings.TrimSpace(s)
	if trimmed == "" {
		return nil, nil
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return nil, fmt.Errorf("parsing filter pattern %q: %w", s, ErrUnsupported)
	}
	p := &Pattern{}
	rest := trimmed
	for rest != "" {
		var prefix byte
		if rest[0] == '?' || rest[0] == '-' {
			prefix, rest = rest[0], rest[1:]
		}
		var m matcher
		var err error
		m, rest, err = term(rest)
		if err != nil {
			return nil, fmt.Errorf("parsing filter pattern %q: %w", s, err)
		}
		switch prefix {
		case '?':
			p.any = append(p.any, m)
		case '-':
			p.none = append(p.none, m)
		default:
			p.all = append(p.all, m)
		}
		rest = strings.TrimLeft(rest, " \t")
	}
	return p, nil
}

// term reads one term (bare word, quoted phrase or %regex%) from the start
// of s and returns the rest.
func term(s string) (matcher, string, error) {
	switch {
	case s == "" || s[0] == ' ' || s[0] == '\t':
		return nil, "", errors.New("? or - must be followed by a term")
	case s[0] == '"':
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
				b.WriteByte(s[i+1])
				i++
			case c == '"':
				return literal(b.String()), s[i+1:], nil
			default:
				b.WriteByte(c)
			}
		}
		return nil, "", errors.New("unterminated quoted phrase")
	case s[0] == '%':
		end := strings.IndexByte(s[1:], '%')
		if end < 0 {
			return nil, "", errors.New("unterminated %regex%")
		}
		re, err := regexp.Compile(s[1 : 1+end])
		if err != nil {
			return nil, "", fmt.Errorf("regular expression: %w", err)
		}
		return pattern{re}, s[end+2:], nil
	default:
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		return literal(s[:end]), s[end:], nil
	}
}

// Match reports whether msg matches the pattern.
func (p *Pattern) Match(msg string) bool {
	if p == nil {
		return true
	}
	for _, m := range p.all {
		if !m.match(msg) {
			return false
		}
	}
	for _, m := range p.none {
		if m.match(msg) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, m := range p.any {
		if m.match(msg) {
			return true
		}
	}
	return false
}
