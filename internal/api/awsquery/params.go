package awsquery

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Params are the decoded parameters of one request, Action and Version
// included.
type Params struct{ values url.Values }

// NewParams wraps decoded values (tests and other front ends build them).
func NewParams(v url.Values) Params { return Params{values: v} }

// Get is the value of name, "" when absent.
func (p Params) Get(name string) string { return p.values.Get(name) }

// Has reports whether name was sent (possibly empty).
func (p Params) Has(name string) bool { _, ok := p.values[name]; return ok }

// Values are all parameters, as sent.
func (p Params) Values() url.Values { return p.values }

// Sub returns the parameters under "prefix." with the prefix removed:
// Sub("Attribute.1") of Attribute.1.Name=x is Name=x.
func (p Params) Sub(prefix string) Params {
	out := url.Values{}
	prefix += "."
	for k, v := range p.values {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return Params{values: out}
}

// Indexed returns the members of a flattened list in index order:
// prefix.1.*, prefix.2.*, ... (or prefix.member.1.* when the list is
// wrapped). Each member is the Sub of its index; a scalar member's value is
// under the key "".
func (p Params) Indexed(prefix string) []Params {
	base := prefix + "."
	if p.hasPrefix(prefix + ".member.") {
		base = prefix + ".member."
	}
	seen := map[int]bool{}
	for k := range p.values {
		rest, ok := strings.CutPrefix(k, base)
		if !ok {
			continue
		}
		idx, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if err != nil || n < 1 || strconv.Itoa(n) != idx {
			continue
		}
		seen[n] = true
	}
	idx := make([]int, 0, len(seen))
	for n := range seen {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]Params, 0, len(idx))
	for _, n := range idx {
		key := base + strconv.Itoa(n)
		sub := p.Sub(key)
		if v, ok := p.values[key]; ok {
			sub.values[""] = v
		}
		out = append(out, sub)
	}
	return out
}

// List is a flattened list of scalars: prefix.member.N or prefix.N.
func (p Params) List(prefix string) []string {
	var out []string
	for _, m := range p.Indexed(prefix) {
		out = append(out, m.Get(""))
	}
	return out
}

// Map is a flattened map: prefix.N.<keyName>=k, prefix.N.<valueName>=v (or
// under prefix.entry.N / prefix.member.N). A later duplicate key wins.
func (p Params) Map(prefix, keyName, valueName string) map[string]string {
	entries := p.Indexed(prefix)
	if p.hasPrefix(prefix + ".entry.") {
		entries = p.Indexed(prefix + ".entry")
	}
	if len(entries) == 0 {
		return nil
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		out[e.Get(keyName)] = e.Get(valueName)
	}
	return out
}

func (p Params) hasPrefix(prefix string) bool {
	for k := range p.values {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
