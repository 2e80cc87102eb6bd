package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// Error is a pattern EventBridge would refuse. Reason is EventBridge's own
// wording; Line and Column (1-based) locate the token it stopped at.
type Error struct {
	Reason       string
	Line, Column int
	Source       string
}

// Error reads as the reason with its location, in the form EventBridge
// appends after "Event pattern is not valid. Reason: ".
func (e *Error) Error() string {
	return fmt.Sprintf("%s\n at [Source: (String)\"%s\"; line: %d, column: %d]", e.Reason, e.Source, e.Line, e.Column)
}

// Pattern is a compiled event pattern: any of its branches (one per
// combination of $or choices) matches when all of the branch's fields do.
type Pattern struct {
	branches []branch
	keys     map[string]bool
	nested   bool
	values   int
}

type branch []field

// field is one path's condition: any of its matchers.
type field struct {
	path     string
	matchers []matcher
	absent   bool // an {"exists": false}: matches when the path has no value
	present  bool // an {"exists": true}
}

// Branches is how many combinations of $or choices the pattern holds
// (SNS counts them against its limit).
func (p *Pattern) Branches() int { return len(p.branches) }

// Keys returns the distinct field paths the pattern names.
func (p *Pattern) Keys() []string {
	out := make([]string, 0, len(p.keys))
	for k := range p.keys {
		out = append(out, k)
	}
	return out
}

// Nested reports whether any field sits inside an object of the pattern.
func (p *Pattern) Nested() bool { return p.nested }

// Values is the number of match values in the pattern (SNS multiplies them
// into its complexity).
func (p *Pattern) Values() int { return p.values }

// Combinations is the sum, over branches, of the product of each field's
// number of match values: the complexity SNS limits to 150.
func (p *Pattern) Combinations() int {
	total := 0
	for _, b := range p.branches {
		n := 1
		for _, f := range b {
			c := len(f.matchers)
			if f.absent {
				c++
			}
			if f.present {
				c++
			}
			n *= max(c, 1)
		}
		total += n
	}
	return total
}

// Compile reads an event pattern, refusing what EventBridge refuses with
// an *Error.
func Compile(src []byte) (*Pattern, error) {
	c := &compiler{src: src, dec: json.NewDecoder(bytes.NewReader(src))}
	c.dec.UseNumber()
	p := &Pattern{keys: map[string]bool{}}
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, c.fail("Filter is not an object")
	}
	branches := []branch{nil}
	if err := c.object(&branches, "", false, p); err != nil {
		return nil, err
	}
	if _, err := c.dec.Token(); err != io.EOF {
		if err == nil {
			return nil, c.fail("Unexpected content after the pattern's closing brace")
		}
		return nil, c.syntax(err)
	}
	p.branches = branches
	return p, nil
}

type compiler struct {
	src  []byte
	dec  *json.Decoder
	at   int64 // offset where the last token began (its separators included)
	str  bool  // the last token was a string
	last int64
}

func (c *compiler) next() (json.Token, error) {
	c.at = c.dec.InputOffset()
	tok, err := c.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, c.fail("Unexpected end-of-input")
		}
		return nil, c.syntax(err)
	}
	c.last = c.dec.InputOffset()
	_, c.str = tok.(string)
	return tok, nil
}

func (c *compiler) fail(reason string) error {
	off := c.last
	if c.str {
		// Jackson reads strings lazily: it stands just after the opening quote.
		if i := bytes.IndexByte(c.src[c.at:c.last], '"'); i >= 0 {
			off = c.at + int64(i) + 1
		}
	}
	line, col := 1, 1
	for _, b := range c.src[:min(int(off), len(c.src))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &Error{Reason: reason, Line: line, Column: col, Source: string(c.src)}
}

func (c *compiler) syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		c.last, c.str = se.Offset, false
		return c.fail(strings.TrimPrefix(se.Error(), "invalid character "))
	}
	return c.fail(err.Error())
}

// object reads the fields of an object whose '{' was read; every branch
// gets the fields, and a $or multiplies the branches.
func (c *compiler) object(branches *[]branch, prefix string, inOr bool, p *Pattern) error {
	seen := false
	for {
		tok, err := c.next()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			if !seen {
				return c.fail("Empty objects are not allowed")
			}
			return nil
		}
		seen = true
		name := tok.(string)
		if name == "$or" {
			if err := c.or(branches, prefix, p); err != nil {
				return err
			}
			continue
		}
		if inOr && reservedInOr[name] {
			return c.fail(name + " is Ruler reserved fieldName which cannot be used inside $or.")
		}
		tok, err = c.next()
		if err != nil {
			return err
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		switch d, _ := tok.(json.Delim); d {
		case '{':
			p.nested = true
			if err := c.object(branches, path, inOr, p); err != nil {
				return err
			}
		case '[':
			f, err := c.values(path, p)
			if err != nil {
				return err
			}
			p.keys[path] = true
			for i := range *branches {
				(*branches)[i] = append((*branches)[i], f)
			}
		default:
			return c.fail(fmt.Sprintf("%q must be an object or an array", name))
		}
	}
}

var reservedInOr = map[string]bool{"anything-but": true, "exists": true, "prefix": true, "numeric": true, "cidr": true, "equals-ignore-case": true, "suffix": true, "wildcard": true}

func (c *compiler) or(branches *[]branch, prefix string, p *Pattern) error {
	tok, err := c.next()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return c.fail("It must be an Array followed with $or.")
	}
	base := *branches
	var out []branch
	n := 0
	for {
		tok, err := c.next()
		if err != nil {
			return err
		}
		d, _ := tok.(json.Delim)
		if d == ']' {
			break
		}
		if d != '{' {
			return c.fail("Only JSON object is allowed in array of $or relationship.")
		}
		n++
		fork := make([]branch, len(base))
		for i, b := range base {
			fork[i] = append(branch(nil), b...)
		}
		if err := c.object(&fork, prefix, true, p); err != nil {
			return err
		}
		out = append(out, fork...)
		if len(out) > maxBranches {
			return c.fail(fmt.Sprintf("The pattern has more than %d combinations of $or choices", maxBranches))
		}
	}
	if n < 2 {
		return c.fail("There must have at least 2 Objects in $or relationship.")
	}
	*branches = out
	return nil
}

// maxBranches bounds the work a hostile pattern of nested $or can cause.
const maxBranches = 4096

// values reads a field's array of match values, whose '[' was read.
func (c *compiler) values(path string, p *Pattern) (field, error) {
	f := field{path: path}
	for {
		tok, err := c.next()
		if err != nil {
			return f, err
		}
		p.values++
		switch t := tok.(type) {
		case json.Delim:
			if t == ']' {
				p.values--
				if len(f.matchers) == 0 && !f.absent && !f.present {
					return f, c.fail("Empty arrays are not allowed")
				}
				return f, nil
			}
			if t != '{' {
				return f, c.fail("Match value must be String, number, true, false, or null")
			}
			m, err := c.expression(&f)
			if err != nil {
				return f, err
			}
			if m != nil {
				f.matchers = append(f.matchers, m)
			}
		case string:
			f.matchers = append(f.matchers, exact{v: Value{kind: String, s: t}})
		case json.Number:
			f.matchers = append(f.matchers, exact{v: numberValue(string(t))})
		case bool:
			f.matchers = append(f.matchers, exact{v: boolValue(t)})
		case nil:
			f.matchers = append(f.matchers, exact{v: Value{kind: Null, s: "null"}})
		}
	}
}

// expression reads one {"operator": ...} whose '{' was read. exists is
// recorded on the field rather than returned.
func (c *compiler) expression(f *field) (matcher, error) {
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	op, ok := tok.(string)
	if !ok {
		return nil, c.fail("Match expression name not found")
	}
	var m matcher
	switch op {
	case "prefix", "suffix":
		m, err = c.affix(op)
	case "equals-ignore-case":
		var s string
		if s, err = c.stringArg("equals-ignore-case match pattern must be a string"); err == nil {
			m = ignoreCase{s: s}
		}
	case "wildcard":
		var s string
		if s, err = c.stringArg("wildcard match pattern must be a string"); err == nil {
			m, err = c.wildcard(s)
		}
	case "numeric":
		m, err = c.numeric()
		if err == nil {
			return m, c.close("Too many elements in numeric expression")
		}
		return nil, err
	case "anything-but":
		m, err = c.anythingBut()
		if err == nil {
			return m, c.close("Too many elements in numeric expression")
		}
		return nil, err
	case "exists":
		tok, err := c.next()
		if err != nil {
			return nil, err
		}
		b, ok := tok.(bool)
		if !ok {
			return nil, c.fail("exists match pattern must be either true or false.")
		}
		if b {
			f.present = true
		} else {
			f.absent = true
		}
		return nil, c.close("Only one key allowed in match expression")
	case "cidr":
		var s string
		if s, err = c.stringArg("prefix match pattern must be a string"); err == nil {
			m, err = c.cidr(s)
		}
	default:
		return nil, c.fail("Unrecognized match type " + op)
	}
	if err != nil {
		return nil, err
	}
	return m, c.close("Only one key allowed in match expression")
}

// close reads the '}' ending an expression.
func (c *compiler) close(reason string) error {
	tok, err := c.next()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '}' {
		return c.fail(reason)
	}
	return nil
}

func (c *compiler) stringArg(reason string) (string, error) {
	tok, err := c.next()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", c.fail(reason)
	}
	return s, nil
}

// affix reads prefix or suffix: a string, or {"equals-ignore-case": string}.
func (c *compiler) affix(op string) (matcher, error) {
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	fold := false
	if d, ok := tok.(json.Delim); ok && d == '{' {
		name, err := c.next()
		if err != nil {
			return nil, err
		}
		if name != "equals-ignore-case" {
			return nil, c.fail(fmt.Sprintf("Unsupported %s pattern: %v", op, name))
		}
		if tok, err = c.next(); err != nil {
			return nil, err
		}
		fold = true
	}
	s, ok := tok.(string)
	if !ok {
		return nil, c.fail(op + " match pattern must be a string")
	}
	if fold {
		if err := c.close("Only one key allowed in match expression"); err != nil {
			return nil, err
		}
	}
	return affix{s: s, suffix: op == "suffix", fold: fold}, nil
}

func (c *compiler) wildcard(s string) (matcher, error) {
	var parts []string
	var cur strings.Builder
	prevStar := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '*' && s[i+1] != '\\') {
				return nil, c.fail(fmt.Sprintf("Invalid escape character at pos %d", i))
			}
			i++
			cur.WriteByte(s[i])
			prevStar = false
		case '*':
			if prevStar {
				return nil, c.fail(fmt.Sprintf("Consecutive wildcard characters at pos %d", i))
			}
			parts = append(parts, cur.String())
			cur.Reset()
			prevStar = true
		default:
			cur.WriteByte(s[i])
			prevStar = false
		}
	}
	parts = append(parts, cur.String())
	return wildcard{parts: parts}, nil
}

func (c *compiler) cidr(s string) (matcher, error) {
	if !strings.Contains(s, "/") {
		return nil, c.fail("Malformed CIDR, one '/' required")
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, c.fail("Nonstandard IP address: " + strings.SplitN(s, "/", 2)[0])
	}
	return cidr{p: p.Masked()}, nil
}

func (c *compiler) number(reason string) (float64, error) {
	tok, err := c.next()
	if err != nil {
		return 0, err
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, c.fail(reason)
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, c.fail(reason)
	}
	return f, nil
}

// numeric reads ["op", n] or [">"/">=", n, "<"/"<=", n].
func (c *compiler) numeric() (matcher, error) {
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, c.fail("Value of numeric must be an array.")
	}
	tok, err = c.next()
	if err != nil {
		return nil, err
	}
	op, ok := tok.(string)
	if !ok {
		return nil, c.fail(fmt.Sprintf("Invalid member in numeric match: %v", tok))
	}
	r := numeric{lo: math.Inf(-1), hi: math.Inf(1)}
	switch op {
	case "=", "<", "<=", ">", ">=":
	default:
		return nil, c.fail("Unrecognized numeric range operator: " + op)
	}
	v, err := c.number("Value of " + op + " must be numeric")
	if err != nil {
		return nil, err
	}
	switch op {
	case "=":
		r.lo, r.hi = v, v
	case "<":
		r.hi, r.hiOpen = v, true
	case "<=":
		r.hi = v
	case ">":
		r.lo, r.loOpen = v, true
	case ">=":
		r.lo = v
	}
	tok, err = c.next()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); ok && d == ']' {
		return r, nil
	}
	if op != ">" && op != ">=" {
		return nil, c.fail("Too many elements in numeric expression")
	}
	top, ok := tok.(string)
	if !ok {
		return nil, c.fail(fmt.Sprintf("Bad value in numeric range: %v", tok))
	}
	if top != "<" && top != "<=" {
		return nil, c.fail("Bad numeric range operator: " + top)
	}
	if r.hi, err = c.number("Value of " + top + " must be numeric"); err != nil {
		return nil, err
	}
	r.hiOpen = top == "<"
	if r.lo > r.hi || (r.lo == r.hi && (r.loOpen || r.hiOpen)) {
		return nil, c.fail("Bottom must be less than top")
	}
	tok, err = c.next()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != ']' {
		return nil, c.fail("Too many terms in numeric range expression")
	}
	return r, nil
}

// anythingBut reads the argument of anything-but: a value, a list of
// values, or {"prefix"|"suffix"|"wildcard"|"equals-ignore-case": ...}.
func (c *compiler) anythingBut() (matcher, error) {
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); ok && d == '{' {
		name, err := c.next()
		if err != nil {
			return nil, err
		}
		op, _ := name.(string)
		var inner matcher
		switch op {
		case "prefix", "suffix", "wildcard", "equals-ignore-case":
			vals, err := c.stringOrList(op)
			if err != nil {
				return nil, err
			}
			var alts anyOf
			for _, s := range vals {
				switch op {
				case "prefix", "suffix":
					if s == "" {
						return nil, c.fail("Null prefix/suffix not allowed")
					}
					alts = append(alts, affix{s: s, suffix: op == "suffix"})
				case "wildcard":
					w, err := c.wildcard(s)
					if err != nil {
						return nil, err
					}
					alts = append(alts, w)
				default:
					alts = append(alts, ignoreCase{s: s})
				}
			}
			inner = alts
		default:
			if op == "" {
				return nil, c.fail("Anything-But expression name not found")
			}
			return nil, c.fail("Unsupported anything-but pattern: " + op)
		}
		if err := c.close("Only one key allowed in match expression"); err != nil {
			return nil, err
		}
		return not{inner}, nil
	}
	var alts anyOf
	add := func(tok json.Token) error {
		switch t := tok.(type) {
		case string:
			alts = append(alts, exact{v: Value{kind: String, s: t}})
		case json.Number:
			alts = append(alts, exact{v: numberValue(string(t))})
		default:
			return c.fail("Inside anything but list, start|null|boolean is not supported.")
		}
		return nil
	}
	if d, ok := tok.(json.Delim); ok && d == '[' {
		strs, nums := 0, 0
		for {
			tok, err := c.next()
			if err != nil {
				return nil, err
			}
			if d, ok := tok.(json.Delim); ok && d == ']' {
				break
			}
			if err := add(tok); err != nil {
				return nil, err
			}
			if _, ok := tok.(string); ok {
				strs++
			} else {
				nums++
			}
		}
		if (strs > 0) == (nums > 0) {
			return nil, c.fail("Inside anything but list, either all values are number or string, mixed type is not supported")
		}
		return not{alts}, nil
	}
	switch tok.(type) {
	case string, json.Number:
		if err := add(tok); err != nil {
			return nil, err
		}
		return not{alts}, nil
	}
	return nil, c.fail("Value of anything-but must be an array or single string/number value.")
}

func (c *compiler) stringOrList(op string) ([]string, error) {
	tok, err := c.next()
	if err != nil {
		return nil, err
	}
	if s, ok := tok.(string); ok {
		return []string{s}, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, c.fail(op + " match pattern must be a string")
	}
	var out []string
	for {
		tok, err := c.next()
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			if len(out) == 0 {
				return nil, c.fail("Empty arrays are not allowed")
			}
			return out, nil
		}
		s, ok := tok.(string)
		if !ok {
			return nil, c.fail("Inside anything-but/" + op + " list, number|start|null|boolean is not supported.")
		}
		out = append(out, s)
	}
}
