package policy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Context is a request's condition keys. Keys are case-insensitive, as in
// IAM; use Set and Get rather than the map directly.
type Context map[string][]string

// Set stores values under key.
func (c Context) Set(key string, values ...string) { c[strings.ToLower(key)] = values }

// Get returns key's values; nil when absent.
func (c Context) Get(key string) []string {
	if c == nil {
		return nil
	}
	if v, ok := c[key]; ok {
		return v
	}
	return c[strings.ToLower(key)]
}

type setQualifier int

const (
	single setQualifier = iota
	forAnyValue
	forAllValues
)

type condition struct {
	op       operator
	negated  bool
	ifExists bool
	set      setQualifier
	key      string // lowercase
	values   []string
}

// operator compares one request value with one policy value.
type operator func(requestValue, policyValue string, ctx Context) bool

// operators by name; the Not forms are the positive ones negated.
var operators = map[string]struct {
	op      operator
	negated bool
}{
	"StringEquals":              {strEquals, false},
	"StringNotEquals":           {strEquals, true},
	"StringEqualsIgnoreCase":    {strEqualsFold, false},
	"StringNotEqualsIgnoreCase": {strEqualsFold, true},
	"StringLike":                {strLike, false},
	"StringNotLike":             {strLike, true},
	"NumericEquals":             {numeric(func(c int) bool { return c == 0 }), false},
	"NumericNotEquals":          {numeric(func(c int) bool { return c == 0 }), true},
	"NumericLessThan":           {numeric(func(c int) bool { return c < 0 }), false},
	"NumericLessThanEquals":     {numeric(func(c int) bool { return c <= 0 }), false},
	"NumericGreaterThan":        {numeric(func(c int) bool { return c > 0 }), false},
	"NumericGreaterThanEquals":  {numeric(func(c int) bool { return c >= 0 }), false},
	"DateEquals":                {date(func(c int) bool { return c == 0 }), false},
	"DateNotEquals":             {date(func(c int) bool { return c == 0 }), true},
	"DateLessThan":              {date(func(c int) bool { return c < 0 }), false},
	"DateLessThanEquals":        {date(func(c int) bool { return c <= 0 }), false},
	"DateGreaterThan":           {date(func(c int) bool { return c > 0 }), false},
	"DateGreaterThanEquals":     {date(func(c int) bool { return c >= 0 }), false},
	"Bool":                      {boolEquals, false},
	"BinaryEquals":              {binaryEquals, false},
	"IpAddress":                 {ipIn, false},
	"NotIpAddress":              {ipIn, true},
	"ArnEquals":                 {arnLike, false},
	"ArnLike":                   {arnLike, false},
	"ArnNotEquals":              {arnLike, true},
	"ArnNotLike":                {arnLike, true},
	"Null":                      {nil, false},
}

func parseConditions(v json.RawMessage) ([]condition, error) {
	var byOp map[string]map[string]json.RawMessage
	if err := strictDecode(v, &byOp); err != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	var out []condition
	for _, name := range keysSorted(byOp) {
		keys := byOp[name]
		c := condition{}
		base := name
		if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
			base, c.set = rest, forAnyValue
		} else if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
			base, c.set = rest, forAllValues
		}
		if rest, ok := strings.CutSuffix(base, "IfExists"); ok && rest != "Null" {
			base, c.ifExists = rest, true
		}
		op, ok := operators[base]
		if !ok {
			return nil, malformed("Invalid Condition type : %s", name)
		}
		c.op, c.negated = op.op, op.negated
		for _, key := range keysSorted(keys) {
			if !strings.Contains(key, ":") {
				return nil, malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
			}
			vals, err := conditionValues(keys[key])
			if err != nil {
				return nil, err
			}
			cc := c
			cc.key, cc.values = strings.ToLower(key), vals
			if base == "Null" {
				for _, v := range vals {
					if v != "true" && v != "false" {
						return nil, malformed("Invalid Condition value for Null : %s", v)
					}
				}
			}
			out = append(out, cc)
		}
	}
	return out, nil
}

// conditionValues reads a scalar or a list of scalars (strings, numbers,
// booleans), as text.
func conditionValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	var list []json.RawMessage
	if bytes.HasPrefix(raw, []byte("[")) {
		if json.Unmarshal(raw, &list) != nil {
			return nil, malformed("Syntax errors in policy.")
		}
	} else {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if json.Unmarshal(v, &n) == nil {
			out = append(out, n.String())
			continue
		}
		var b bool
		if json.Unmarshal(v, &b) == nil {
			out = append(out, strconv.FormatBool(b))
			continue
		}
		return nil, malformed("Syntax errors in policy.")
	}
	return out, nil
}

// holds evaluates the condition against ctx.
func (c condition) holds(ctx Context) bool {
	vals := ctx.Get(c.key)
	if c.op == nil { // Null
		want := c.values[0] == "true"
		return (len(vals) == 0) == want
	}
	if len(vals) == 0 {
		switch {
		case c.ifExists:
			return true
		case c.set == forAllValues:
			return true // vacuously
		case c.set == forAnyValue:
			return false
		}
		return c.negated // a missing key matches no value
	}
	// matchOne: does one request value match any of the policy's values.
	matchOne := func(rv string) bool {
		for _, pv := range c.values {
			if c.op(rv, pv, ctx) {
				return true
			}
		}
		return false
	}
	switch c.set {
	case forAllValues:
		for _, rv := range vals {
			if matchOne(rv) == c.negated {
				return false
			}
		}
		return true
	default: // single, ForAnyValue
		any := false
		for _, rv := range vals {
			if matchOne(rv) {
				any = true
				break
			}
		}
		if c.set == forAnyValue && c.negated {
			for _, rv := range vals {
				if !matchOne(rv) {
					return true
				}
			}
			return false
		}
		return any != c.negated
	}
}

func strEquals(rv, pv string, ctx Context) bool {
	if strings.Contains(pv, "${") {
		pv, _ = expand(pv, ctx)
	}
	return rv == pv
}

func strEqualsFold(rv, pv string, _ Context) bool { return strings.EqualFold(rv, pv) }

func strLike(rv, pv string, ctx Context) bool {
	return newPattern(pv).matches(rv, ctx)
}

func numeric(cmp func(int) bool) operator {
	return func(rv, pv string, _ Context) bool {
		a, err1 := strconv.ParseFloat(rv, 64)
		b, err2 := strconv.ParseFloat(pv, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		switch {
		case a < b:
			return cmp(-1)
		case a > b:
			return cmp(1)
		}
		return cmp(0)
	}
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil { // epoch seconds
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

func date(cmp func(int) bool) operator {
	return func(rv, pv string, _ Context) bool {
		a, ok1 := parseDate(rv)
		b, ok2 := parseDate(pv)
		if !ok1 || !ok2 {
			return false
		}
		return cmp(a.Compare(b))
	}
}

func boolEquals(rv, pv string, _ Context) bool { return strings.EqualFold(rv, pv) }

func binaryEquals(rv, pv string, _ Context) bool {
	b, err := base64.StdEncoding.DecodeString(pv)
	return err == nil && rv == base64.StdEncoding.EncodeToString(b)
}

func ipIn(rv, pv string, _ Context) bool {
	addr, err := netip.ParseAddr(rv)
	if err != nil {
		return false
	}
	if !strings.Contains(pv, "/") {
		p, err := netip.ParseAddr(pv)
		return err == nil && p.Unmap() == addr.Unmap()
	}
	prefix, err := netip.ParsePrefix(pv)
	return err == nil && prefix.Contains(addr.Unmap())
}

// arnLike compares ARNs part by part (arn:partition:service:region:
// account:resource), each part a wildcard pattern.
func arnLike(rv, pv string, ctx Context) bool {
	if strings.Contains(pv, "${") {
		var ok bool
		if pv, ok = expand(pv, ctx); !ok {
			return false
		}
	}
	rp := strings.SplitN(rv, ":", 6)
	pp := strings.SplitN(pv, ":", 6)
	if len(rp) != 6 || len(pp) != 6 {
		return false
	}
	for i := range rp {
		if !glob(pp[i], rp[i]) {
			return false
		}
	}
	return true
}
