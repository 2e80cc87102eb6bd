package eventpattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// Kind is a JSON value's type.
type Kind uint8

// The kinds of leaf values.
const (
	String Kind = iota
	Number
	True
	False
	Null
)

// Value is one leaf value of an event.
type Value struct {
	kind Kind
	s    string  // a string's text, a number's literal
	n    float64 // a number's value
	ok   bool    // n holds the number (it parsed)
}

// StringValue is a string leaf.
func StringValue(s string) Value { return Value{kind: String, s: s} }

// NumberValue is a number leaf written as text (as JSON writes it).
func NumberValue(text string) Value { return numberValue(text) }

func numberValue(text string) Value {
	v := Value{kind: Number, s: text}
	if f, err := strconv.ParseFloat(text, 64); err == nil && !math.IsInf(f, 0) {
		v.n, v.ok = f, true
	}
	return v
}

func boolValue(b bool) Value {
	if b {
		return Value{kind: True, s: "true"}
	}
	return Value{kind: False, s: "false"}
}

// Event is an event flattened to its leaves: every dotted path to a
// non-object value, with every value found there (arrays contribute each
// element).
type Event struct {
	fields map[string][]Value
}

// ParseEvent flattens a JSON object.
func ParseEvent(data []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("reading event: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("reading event: not a JSON object")
	}
	e := &Event{fields: make(map[string][]Value, 16)}
	e.flatten("", obj)
	return e, nil
}

// EventOf builds an event from ready leaves (for example SNS message
// attributes), keyed by path.
func EventOf(fields map[string][]Value) *Event { return &Event{fields: fields} }

func (e *Event) flatten(prefix string, obj map[string]any) {
	for k, v := range obj {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		e.add(path, v)
	}
}

func (e *Event) add(path string, v any) {
	switch t := v.(type) {
	case map[string]any:
		e.flatten(path, t)
	case []any:
		for _, el := range t {
			e.add(path, el)
		}
	case string:
		e.fields[path] = append(e.fields[path], Value{kind: String, s: t})
	case json.Number:
		e.fields[path] = append(e.fields[path], numberValue(string(t)))
	case bool:
		e.fields[path] = append(e.fields[path], boolValue(t))
	case nil:
		e.fields[path] = append(e.fields[path], Value{kind: Null, s: "null"})
	}
}

// Match reports whether the JSON event matches p.
func (p *Pattern) Match(event []byte) (bool, error) {
	e, err := ParseEvent(event)
	if err != nil {
		return false, err
	}
	return p.MatchEvent(e), nil
}

// MatchEvent reports whether a flattened event matches p.
func (p *Pattern) MatchEvent(e *Event) bool {
	for _, b := range p.branches {
		if b.match(e) {
			return true
		}
	}
	return false
}

func (b branch) match(e *Event) bool {
	for i := range b {
		if !b[i].match(e.fields[b[i].path]) {
			return false
		}
	}
	return true
}

func (f *field) match(vals []Value) bool {
	if len(vals) == 0 {
		return f.absent
	}
	if f.present {
		return true
	}
	for i := range vals {
		for _, m := range f.matchers {
			if m.match(&vals[i]) {
				return true
			}
		}
	}
	return false
}

// matcher is one match value of a field.
type matcher interface{ match(v *Value) bool }

type exact struct{ v Value }

func (m exact) match(v *Value) bool {
	if m.v.kind != v.kind {
		return false
	}
	if v.kind == Number && m.v.ok && v.ok {
		return m.v.n == v.n
	}
	return m.v.s == v.s
}

type affix struct {
	s      string
	suffix bool
	fold   bool
}

func (m affix) match(v *Value) bool {
	if v.kind != String || len(v.s) < len(m.s) {
		return false
	}
	part := v.s[:len(m.s)]
	if m.suffix {
		part = v.s[len(v.s)-len(m.s):]
	}
	if m.fold {
		return strings.EqualFold(part, m.s)
	}
	return part == m.s
}

type ignoreCase struct{ s string }

func (m ignoreCase) match(v *Value) bool { return v.kind == String && strings.EqualFold(v.s, m.s) }

// wildcard is the text between stars: the first part is a prefix, the
// last a suffix, the rest appear in order between them.
type wildcard struct{ parts []string }

func (m wildcard) match(v *Value) bool {
	if v.kind != String {
		return false
	}
	s := v.s
	if len(m.parts) == 1 {
		return s == m.parts[0]
	}
	first, last := m.parts[0], m.parts[len(m.parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range m.parts[1 : len(m.parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

type numeric struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

func (m numeric) match(v *Value) bool {
	if v.kind != Number || !v.ok {
		return false
	}
	n := v.n
	if n < m.lo || (m.loOpen && n == m.lo) || n > m.hi || (m.hiOpen && n == m.hi) {
		return false
	}
	return true
}

type cidr struct{ p netip.Prefix }

func (m cidr) match(v *Value) bool {
	if v.kind != String {
		return false
	}
	a, err := netip.ParseAddr(v.s)
	return err == nil && m.p.Contains(a.Unmap())
}

type anyOf []matcher

func (m anyOf) match(v *Value) bool {
	for _, x := range m {
		if x.match(v) {
			return true
		}
	}
	return false
}

// not is anything-but: any value its inner matcher refuses.
type not struct{ inner matcher }

func (m not) match(v *Value) bool { return !m.inner.match(v) }
