package topics

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gust/internal/apierror"
)

func TestRetryDelays(t *testing.T) {
	// SNS's default HTTP policy: three retries 20 s apart, then none.
	for n := 1; n <= 3; n++ {
		if d, ok := defaultHTTPPolicy.delay(n); !ok || d != 20*time.Second {
			t.Errorf("default retry %d: %v %v", n, d, ok)
		}
	}
	if _, ok := defaultHTTPPolicy.delay(4); ok {
		t.Error("a fourth retry")
	}
	rp, err := parseDeliveryPolicy(`{"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 8, "numRetries": 6, "numNoDelayRetries": 1, "numMinDelayRetries": 1, "numMaxDelayRetries": 1, "backoffFunction": "exponential"}}`, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, w := range want {
		if d, ok := rp.delay(i + 1); !ok || d.Round(time.Millisecond) != w {
			t.Errorf("retry %d: %v, want %v", i+1, d, w)
		}
	}
	// Lambda and SQS: 3 immediate, 2 after 1 s, then backing off to 20 s.
	for n, w := range map[int]time.Duration{1: 0, 3: 0, 4: time.Second, 5: time.Second, 15: 20 * time.Second, 100015: 20 * time.Second} {
		if d, ok := managedPolicy.delay(n); !ok || d.Round(time.Millisecond) != w {
			t.Errorf("managed retry %d: %v, want %v", n, d, w)
		}
	}
	if _, ok := managedPolicy.delay(100016); ok {
		t.Error("managed policy never gives up")
	}
	for _, bad := range []string{`{`, `{"healthyRetryPolicy": {"minDelayTarget": 0, "maxDelayTarget": 1, "numRetries": 1}}`,
		`{"healthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 1, "numRetries": 1}}`,
		`{"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 101}}`} {
		if _, err := parseDeliveryPolicy(bad, false); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestFilterPolicies(t *testing.T) {
	errs := map[string]string{
		`{"a": "b"}`:                  `Invalid parameter: FilterPolicy: "a" must be an object or an array`,
		`{"a": [{"wildcard": "x*"}]}`: "Invalid parameter: FilterPolicy: Unrecognized match type wildcard",
		`{"a": {"b": ["c"]}}`:         "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
		`x`:                           "Invalid parameter: FilterPolicy: failed to parse JSON.",
		`{"a":[1],"b":[1],"c":[1],"d":[1],"e":[1],"f":[1]}`: "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys",
	}
	for policy, want := range errs {
		_, err := compileFilterPolicy(policy, "")
		var ae *apierror.Error
		if !errors.As(err, &ae) || ae.Type != "InvalidParameter" || ae.Message != want {
			t.Errorf("%s: %v, want %s", policy, err, want)
		}
	}
	many := `{"a": [` + strings.Repeat(`"x",`, 150) + `"y"]}`
	if _, err := compileFilterPolicy(many, ""); err == nil {
		t.Error("151 combinations accepted")
	}
	s := New(Options{})
	m := &Message{Body: `{"order": {"lines": [{"sku": "a-x"}]}}`, Attributes: map[string]Attribute{
		"tags": {Type: "String.Array", Value: `["red", "blue", 7]`}, "n": {Type: "Number", Value: "42"}, "bin": {Type: "Binary", Value: "AAE="},
	}}
	for policy, want := range map[string]bool{
		`{"tags": ["blue"]}`:                                          true,
		`{"tags": [{"numeric": ["=", 7]}]}`:                           true,
		`{"tags": ["green"]}`:                                         false,
		`{"n": [{"numeric": [">", 40]}], "tags": [{"prefix": "re"}]}`: true,
		`{"bin": [{"exists": true}]}`:                                 false,
		`{"missing": [{"exists": false}]}`:                            true,
	} {
		sub := &Subscription{Protocol: "sqs", Attributes: map[string]string{"FilterPolicy": policy}}
		if got := s.matches(sub, m); got != want {
			t.Errorf("attributes %s: %v, want %v", policy, got, want)
		}
	}
	body := &Subscription{Protocol: "sqs", Attributes: map[string]string{"FilterPolicy": `{"order": {"lines": {"sku": [{"suffix": "-x"}]}}}`, "FilterPolicyScope": "MessageBody"}}
	if !s.matches(body, m) {
		t.Error("nested body policy did not match")
	}
	m.Body = "not json"
	if s.matches(body, m) {
		t.Error("a body policy matched a body that is not JSON")
	}
}
