package buses

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gust/internal/rules"
)

// jsonPathPattern is the JSONPath subset targets use: $, $.a.b, $.a[0].
var jsonPathPattern = regexp.MustCompile(`^\$(\.[A-Za-z0-9_\-@]+|\[[0-9]+\])*$`)

// ValidPath reports whether a JSONPath is one Gust evaluates.
func ValidPath(p string) bool { return jsonPathPattern.MatchString(p) }

// lookup evaluates a JSONPath against a decoded event.
func lookup(doc any, path string) (any, bool) {
	rest := strings.TrimPrefix(path, "$")
	cur := doc
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			obj, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = obj[rest[:end]]; !ok {
				return nil, false
			}
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			i, _ := strconv.Atoi(rest[1:end])
			arr, ok := cur.([]any)
			if !ok || i >= len(arr) {
				return nil, false
			}
			cur, rest = arr[i], rest[end+1:]
		default:
			return nil, false
		}
	}
	return cur, true
}

func decode(raw []byte) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v)
	return v
}

func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimRight(b.Bytes(), "\n")
}

// targetInput is what a target receives for an event.
func targetInput(t *rules.Target, event []byte, ruleARN, ruleName string) ([]byte, error) {
	switch {
	case t.Input != "":
		return []byte(t.Input), nil
	case t.InputPath != "":
		v, ok := lookup(decode(event), t.InputPath)
		if !ok {
			return []byte("null"), nil
		}
		return encode(v), nil
	case t.InputTransformer != nil:
		return transform(t.InputTransformer, event, ruleARN, ruleName)
	}
	return event, nil
}

// transform fills an InputTemplate: a placeholder inside a JSON string
// gets the value's text, one outside gets the value as JSON.
func transform(it *rules.InputTransformer, event []byte, ruleARN, ruleName string) ([]byte, error) {
	doc := decode(event)
	values := map[string]any{
		"aws.events.rule-arn":   ruleARN,
		"aws.events.rule-name":  ruleName,
		"aws.events.event":      json.RawMessage(event),
		"aws.events.event.json": json.RawMessage(event),
	}
	if m, ok := doc.(map[string]any); ok {
		values["aws.events.event.ingestion-time"] = m["time"]
	}
	for name, path := range it.InputPathsMap {
		if v, ok := lookup(doc, path); ok {
			values[name] = v
		} else {
			values[name] = nil
		}
	}
	tmpl := it.InputTemplate
	var out strings.Builder
	inString := false
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '\\' && inString && i+1 < len(tmpl):
			out.WriteByte(c)
			out.WriteByte(tmpl[i+1])
			i++
			continue
		case c == '"':
			inString = !inString
		case c == '<':
			end := strings.IndexByte(tmpl[i:], '>')
			if end > 0 {
				name := tmpl[i+1 : i+end]
				if v, ok := values[name]; ok {
					if inString {
						out.WriteString(textOf(v))
					} else {
						out.Write(encode(v))
					}
					i += end
					continue
				}
			}
		}
		out.WriteByte(c)
	}
	return []byte(out.String()), nil
}

// textOf is a value as it reads inside a JSON string: a string's own
// (escaped) characters, anything else its JSON.
func textOf(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		b := encode(s)
		return string(b[1 : len(b)-1])
	}
	if raw, ok := v.(json.RawMessage); ok {
		b := encode(string(raw))
		return string(b[1 : len(b)-1])
	}
	b := encode(v)
	if len(b) > 1 && b[0] == '"' {
		return string(b[1 : len(b)-1])
	}
	return fmt.Sprint(string(b))
}
