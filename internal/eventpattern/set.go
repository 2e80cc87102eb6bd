package eventpattern

import "strconv"

// Set holds many patterns by id and finds the ones an event matches. It is
// built once and read by any number of goroutines; build a new Set when
// patterns change.
type Set[K comparable] struct {
	// index: path → value key → branches anchored on that exact value.
	index map[string]map[string][]ref[K]
	// scan: branches with no exact-valued field, tried on every event.
	scan []ref[K]
}

type ref[K comparable] struct {
	id K
	b  branch
}

// NewSet indexes patterns by id.
func NewSet[K comparable](patterns map[K]*Pattern) *Set[K] {
	s := &Set[K]{index: map[string]map[string][]ref[K]{}}
	for id, p := range patterns {
		for _, b := range p.branches {
			path, keys := anchor(b)
			if keys == nil {
				s.scan = append(s.scan, ref[K]{id, b})
				continue
			}
			byValue := s.index[path]
			if byValue == nil {
				byValue = map[string][]ref[K]{}
				s.index[path] = byValue
			}
			for _, k := range keys {
				byValue[k] = append(byValue[k], ref[K]{id, b})
			}
		}
	}
	return s
}

// anchor picks the branch's field whose matchers are all exact values
// (fewest wins), and returns their index keys; nil when there is none.
func anchor(b branch) (string, []string) {
	var path string
	var best []string
	for _, f := range b {
		if f.absent || f.present || len(f.matchers) == 0 {
			continue
		}
		keys := make([]string, 0, len(f.matchers))
		for _, m := range f.matchers {
			e, ok := m.(exact)
			if !ok {
				keys = nil
				break
			}
			keys = append(keys, valueKey(&e.v))
		}
		if keys != nil && (best == nil || len(keys) < len(best)) {
			path, best = f.path, keys
		}
	}
	return path, best
}

// valueKey is equal for values an exact matcher treats as equal.
func valueKey(v *Value) string {
	switch {
	case v.kind == Number && v.ok:
		return "n" + strconv.FormatFloat(v.n, 'g', -1, 64)
	case v.kind == String:
		return "s" + v.s
	default:
		return "l" + v.s
	}
}

// Len is how many branches the set holds.
func (s *Set[K]) Len() int {
	n := len(s.scan)
	for _, byValue := range s.index {
		for _, refs := range byValue {
			n += len(refs)
		}
	}
	return n
}

// Match returns the ids of the patterns e matches, each once.
func (s *Set[K]) Match(e *Event) []K {
	var out []K
	seen := map[K]bool{}
	try := func(r ref[K]) {
		if !seen[r.id] && r.b.match(e) {
			seen[r.id] = true
			out = append(out, r.id)
		}
	}
	for path, byValue := range s.index {
		vals := e.fields[path]
		for i := range vals {
			for _, r := range byValue[valueKey(&vals[i])] {
				try(r)
			}
		}
	}
	for _, r := range s.scan {
		try(r)
	}
	return out
}
