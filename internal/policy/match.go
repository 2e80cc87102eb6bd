package policy

import "strings"

// pattern is a string with * (any run) and ? (any one character)
// wildcards and, when vars is set, policy variables (${aws:username}).
type pattern struct {
	text     string
	wildcard bool // contains * or ?
	vars     bool // contains ${
}

func newPattern(s string) pattern {
	return pattern{text: s, wildcard: strings.ContainsAny(s, "*?"), vars: strings.Contains(s, "${")}
}

// matches reports whether s matches p, expanding variables from ctx.
func (p pattern) matches(s string, ctx Context) bool {
	text, wildcard := p.text, p.wildcard
	if p.vars {
		var ok bool
		text, ok = expand(text, ctx)
		if !ok {
			return false
		}
		wildcard = strings.ContainsAny(text, "*?")
	}
	if !wildcard {
		return text == s
	}
	return glob(text, s)
}

// glob matches s against pat where * is any run and ? any one byte: the
// classic iterative matcher with one backtrack point, linear in practice
// and never exponential.
func glob(pat, s string) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				nextPx, nextSx = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

// expand substitutes policy variables: ${key} from ctx (single-valued keys
// only, as IAM), ${*} ${?} ${$} as the literal characters. A variable whose
// key is absent makes the pattern match nothing, as IAM.
func expand(s string, ctx Context) (string, bool) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+j]
		switch name {
		case "*", "?", "$":
			b.WriteString(name) // literal: matched as itself below only if no other wildcard
		default:
			key, def, hasDef := strings.Cut(name, ",")
			vals := ctx.Get(strings.TrimSpace(key))
			switch {
			case len(vals) == 1:
				b.WriteString(vals[0])
			case hasDef:
				b.WriteString(strings.Trim(strings.TrimSpace(def), "'"))
			default:
				return "", false
			}
		}
		s = s[i+j+1:]
	}
}
