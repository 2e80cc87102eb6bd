package buses

import (
	"testing"

	"gust/internal/rules"
)

const event = `{"version":"0","id":"e1","detail-type":"Order","source":"shop","account":"000000000000","time":"2026-12-03T10:00:00Z","region":"us-east-1","resources":[],"detail":{"amount":12.5,"items":[{"sku":"a"},{"sku":"b"}],"name":"Ana \"A\""}}`

func TestTargetInput(t *testing.T) {
	cases := []struct {
		name   string
		target rules.Target
		want   string
	}{
		{"whole event", rules.Target{}, event},
		{"constant", rules.Target{Input: `{"k": 1}`}, `{"k": 1}`},
		{"path", rules.Target{InputPath: "$.detail.items[1]"}, `{"sku":"b"}`},
		{"missing path", rules.Target{InputPath: "$.detail.nope"}, `null`},
		{"transformer", rules.Target{InputTransformer: &rules.InputTransformer{
			InputPathsMap: map[string]string{"amt": "$.detail.amount", "name": "$.detail.name", "first": "$.detail.items[0].sku", "none": "$.x"},
			InputTemplate: `{"a": <amt>, "n": <name>, "text": "<name> paid <amt> for <first>", "rule": "<aws.events.rule-name>", "none": <none>, "esc": "\"<amt>\""}`,
		}}, `{"a": 12.5, "n": "Ana \"A\"", "text": "Ana \"A\" paid 12.5 for a", "rule": "r", "none": null, "esc": "\"12.5\""}`},
		{"string template", rules.Target{InputTransformer: &rules.InputTransformer{
			InputPathsMap: map[string]string{"src": "$.source"}, InputTemplate: `"from <src>"`,
		}}, `"from shop"`},
		{"whole event inside", rules.Target{InputTransformer: &rules.InputTransformer{InputTemplate: `{"e": <aws.events.event.json>}`}}, `{"e": ` + event + `}`},
	}
	for _, c := range cases {
		got, err := targetInput(&c.target, []byte(event), "arn:aws:events:us-east-1:000000000000:rule/r", "r")
		if err != nil || string(got) != c.want {
			t.Errorf("%s: got %s (%v), want %s", c.name, got, err, c.want)
		}
	}
}

func TestValidPath(t *testing.T) {
	for p, want := range map[string]bool{"$": true, "$.detail": true, "$.a.b-c[2].d": true, "detail": false, "$..a": false, "$.a[x]": false} {
		if ValidPath(p) != want {
			t.Errorf("ValidPath(%q) = %v", p, !want)
		}
	}
}
