// Package golden compares API responses with golden ones written from
// AWS's documented examples: whole JSON values (every key, type and value),
// with placeholders for what differs between runs. It is for tests; it
// holds no fakes and talks to nothing.
package golden

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// placeholders stand for values that differ between runs.
var placeholders = map[string]*regexp.Regexp{
	"<uuid>":   regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
	"<date>":   regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$`),
	"<iso>":    regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`),
	"<sha256>": regexp.MustCompile(`^[A-Za-z0-9+/]{43}=$`),
	"<url>":    regexp.MustCompile(`^https?://\S+$`),
	"<string>": regexp.MustCompile(`^.*$`),
}

// Match compares want (from a golden file) with have (the response) and
// lists every difference: a missing or extra key, a value of another JSON
// type, another value. A want string that is a placeholder matches any
// string of its form.
//
// A placeholder with a label ("<uuid:r1>") also binds: every place with
// that label must hold the same value, and places with another label of
// the same kind another value, so a golden says when a RevisionId changes.
func Match(bound map[string]string, path string, want, have any) []string {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want object", path, have)}
		}
		var diffs []string
		keys := make([]string, 0, len(w)+len(h))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range h {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inW := w[k]
			hv, inH := h[k]
			switch {
			case !inH:
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
			case !inW:
				diffs = append(diffs, fmt.Sprintf("%s.%s: unexpected key (value %v)", path, k, hv))
			default:
				diffs = append(diffs, Match(bound, path+"."+k, wv, hv)...)
			}
		}
		return diffs
	case []any:
		h, ok := have.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want array", path, have)}
		}
		if len(h) != len(w) {
			return []string{fmt.Sprintf("%s: %d elements, want %d: %v", path, len(h), len(w), h)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, Match(bound, fmt.Sprintf("%s[%d]", path, i), w[i], h[i])...)
		}
		return diffs
	case string:
		if w == "<number>" { // an epoch timestamp
			if _, ok := have.(float64); !ok {
				return []string{fmt.Sprintf("%s: %T %v, want a number", path, have, have)}
			}
			return nil
		}
		h, ok := have.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: %T %v, want string %q", path, have, have, w)}
		}
		kind, _, labelled := strings.Cut(strings.Trim(w, "<>"), ":")
		if re, ok := placeholders["<"+kind+">"]; ok && strings.HasPrefix(w, "<") && strings.HasSuffix(w, ">") {
			if !re.MatchString(h) {
				return []string{fmt.Sprintf("%s: %q is not a <%s>", path, h, kind)}
			}
			if !labelled {
				return nil
			}
			if v, ok := bound[w]; ok {
				if v != h {
					return []string{fmt.Sprintf("%s: %q, want the same as %s earlier (%q)", path, h, w, v)}
				}
				return nil
			}
			for other, v := range bound {
				if v == h && strings.HasPrefix(other, "<"+kind+":") {
					return []string{fmt.Sprintf("%s: %q is %s again, want a new value for %s", path, h, other, w)}
				}
			}
			bound[w] = h
			return nil
		}
		if h != w {
			return []string{fmt.Sprintf("%s: %q, want %q", path, h, w)}
		}
		return nil
	default: // numbers, booleans, null
		if fmt.Sprintf("%T %v", want, want) != fmt.Sprintf("%T %v", have, have) {
			return []string{fmt.Sprintf("%s: %T %v, want %T %v", path, have, have, want, want)}
		}
		return nil
	}
}
