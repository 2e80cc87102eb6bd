package eventpattern

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// ec2Event is the example event of EventBridge's documentation.
const ec2Event = `{
  "version": "0",
  "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  "source": "aws.ec2",
  "account": "111122223333",
  "time": "2017-12-22T18:43:48Z",
  "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {
    "instance-id": "i-1234567890abcdef0",
    "state": "terminated",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    "location": null,
    "empty": "",
    "flag": true,
    "Filename": "file.PNG",
    "eventName": "StartInstances",
    "price": 100,
    "tags": ["prod", "web"],
    "items": [{"name": "a", "size": 1}, {"name": "b", "size": 20}],
    "code": 600
  }
}`

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern string
		want    bool
	}{
		{`{"source": ["aws.ec2"]}`, true},
		{`{"source": ["aws.s3"]}`, false},
		{`{"source": ["aws.s3", "aws.ec2"]}`, true},
		{`{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}`, true},
		{`{"source": ["aws.ec2"], "detail-type": ["nope"]}`, false},
		{`{"detail": {"state": ["terminated"]}}`, true},
		{`{"detail": {"state": ["running"]}}`, false},
		{`{"detail": {"location": [null]}}`, true},
		{`{"detail": {"empty": [""]}}`, true},
		{`{"detail": {"flag": [true]}}`, true},
		{`{"detail": {"flag": [false]}}`, false},
		{`{"detail": {"flag": ["true"]}}`, false},
		{`{"detail": {"c-count": [5]}}`, true},
		{`{"detail": {"c-count": [5.0]}}`, true},
		{`{"detail": {"c-count": ["5"]}}`, false},
		{`{"detail": {"x-limit": [3.018e2]}}`, true},
		// arrays: any element
		{`{"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}`, true},
		{`{"detail": {"tags": ["web"]}}`, true},
		{`{"detail": {"tags": ["dev"]}}`, false},
		{`{"detail": {"items": {"name": ["b"]}}}`, true},
		{`{"detail": {"items": {"size": [{"numeric": [">", 10]}]}}}`, true},
		// prefix / suffix
		{`{"time": [{"prefix": "2017-12-22"}]}`, true},
		{`{"time": [{"prefix": "2018"}]}`, false},
		{`{"detail": {"Filename": [{"suffix": ".png"}]}}`, false},
		{`{"detail": {"Filename": [{"suffix": ".PNG"}]}}`, true},
		{`{"detail": {"Filename": [{"suffix": {"equals-ignore-case": ".png"}}]}}`, true},
		{`{"detail": {"Filename": [{"prefix": {"equals-ignore-case": "FILE"}}]}}`, true},
		{`{"detail": {"c-count": [{"prefix": "5"}]}}`, false},
		// anything-but
		{`{"detail": {"state": [{"anything-but": "initializing"}]}}`, true},
		{`{"detail": {"state": [{"anything-but": "terminated"}]}}`, false},
		{`{"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}`, true},
		{`{"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}`, false},
		{`{"detail": {"c-count": [{"anything-but": [5, 6]}]}}`, false},
		{`{"detail": {"c-count": [{"anything-but": 6}]}}`, true},
		{`{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}`, true},
		{`{"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}`, false},
		{`{"detail": {"Filename": [{"anything-but": {"suffix": ".txt"}}]}}`, true},
		{`{"detail": {"Filename": [{"anything-but": {"suffix": ".PNG"}}]}}`, false},
		{`{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED", "x"]}}]}}`, false},
		{`{"detail": {"state": [{"anything-but": {"equals-ignore-case": "RUNNING"}}]}}`, true},
		{`{"detail": {"state": [{"anything-but": {"wildcard": "term*"}}]}}`, false},
		{`{"detail": {"state": [{"anything-but": {"wildcard": ["x*", "*ing"]}}]}}`, true},
		{`{"detail": {"missing": [{"anything-but": "x"}]}}`, false},
		{`{"detail": {"tags": [{"anything-but": "prod"}]}}`, true},
		// numeric
		{`{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}`, true},
		{`{"detail": {"c-count": [{"numeric": [">", 0, "<", 5]}]}}`, false},
		{`{"detail": {"d-count": [{"numeric": ["<", 10]}]}}`, true},
		{`{"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}}`, true},
		{`{"detail": {"price": [{"numeric": [">=", 100]}]}}`, true},
		{`{"detail": {"price": [{"numeric": [">", 100]}]}}`, false},
		{`{"detail": {"state": [{"numeric": [">", 0]}]}}`, false},
		// exists
		{`{"detail": {"state": [{"exists": true}]}}`, true},
		{`{"detail": {"nope": [{"exists": true}]}}`, false},
		{`{"detail": {"nope": [{"exists": false}]}}`, true},
		{`{"detail": {"state": [{"exists": false}]}}`, false},
		{`{"detail": {"location": [{"exists": true}]}}`, true},
		{`{"detail": {"items": [{"exists": true}]}}`, false}, // intermediate nodes do not count
		// cidr
		{`{"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}`, true},
		{`{"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}`, false},
		{`{"detail": {"source-ip": [{"cidr": "10.0.0.123/32"}]}}`, true},
		// equals-ignore-case
		{`{"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}`, true},
		{`{"detail-type": [{"equals-ignore-case": "ec2"}]}`, false},
		// wildcard
		{`{"detail": {"eventName": [{"wildcard": "Start*"}]}}`, true},
		{`{"detail": {"eventName": [{"wildcard": "*Instances"}]}}`, true},
		{`{"detail": {"eventName": [{"wildcard": "S*r*Inst*s"}]}}`, true},
		{`{"detail": {"eventName": [{"wildcard": "Stop*"}]}}`, false},
		{`{"detail": {"eventName": [{"wildcard": "StartInstances"}]}}`, true},
		{`{"detail": {"eventName": [{"wildcard": "*a*a*a*"}]}}`, false},
		{`{"detail": {"eventName": [{"wildcard": "Start\\*"}]}}`, false},
		// $or
		{`{"source": ["aws.ec2"], "$or": [{"detail": {"c-count": [{"numeric": [">", 10]}]}}, {"detail": {"d-count": [3]}}]}`, true},
		{`{"source": ["aws.ec2"], "$or": [{"detail": {"c-count": [{"numeric": [">", 10]}]}}, {"detail": {"d-count": [4]}}]}`, false},
		{`{"detail": {"$or": [{"c-count": [{"numeric": [">", 0, "<=", 5]}]}, {"d-count": [{"numeric": ["<", 10]}]}, {"x-limit": [{"numeric": ["=", 3.018e2]}]}]}}`, true},
		{`{"$or": [{"source": ["x"]}, {"$or": [{"region": ["y"]}, {"account": ["111122223333"]}]}]}`, true},
		// several match values of different kinds
		{`{"detail": {"state": [{"prefix": "run"}, "terminated"]}}`, true},
		{`{"detail": {"nope": [{"exists": false}, "x"]}}`, true},
	}
	for _, c := range cases {
		p, err := Compile([]byte(c.pattern))
		if err != nil {
			t.Errorf("Compile(%s): %v", c.pattern, err)
			continue
		}
		got, err := p.Match([]byte(ec2Event))
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("Match(%s) = %v, want %v", c.pattern, got, c.want)
		}
		// The set must agree with the pattern alone.
		e, _ := ParseEvent([]byte(ec2Event))
		inSet := len(NewSet(map[int]*Pattern{1: p}).Match(e)) == 1
		if inSet != c.want {
			t.Errorf("Set.Match(%s) = %v, want %v", c.pattern, inSet, c.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct{ pattern, reason string }{
		{`[]`, "Filter is not an object"},
		{`"x"`, "Filter is not an object"},
		{`{"source": "aws.ec2"}`, `"source" must be an object or an array`},
		{`{"source": 5}`, `"source" must be an object or an array`},
		{`{}`, "Empty objects are not allowed"},
		{`{"detail": {}}`, "Empty objects are not allowed"},
		{`{"source": []}`, "Empty arrays are not allowed"},
		{`{"source": [[1]]}`, "Match value must be String, number, true, false, or null"},
		{`{"source": [{"prefixx": "a"}]}`, "Unrecognized match type prefixx"},
		{`{"source": [{"prefix": 5}]}`, "prefix match pattern must be a string"},
		{`{"source": [{"suffix": true}]}`, "suffix match pattern must be a string"},
		{`{"source": [{"prefix": "a", "suffix": "b"}]}`, "Only one key allowed in match expression"},
		{`{"n": [{"numeric": 5}]}`, "Value of numeric must be an array."},
		{`{"n": [{"numeric": [">", "x"]}]}`, "Value of > must be numeric"},
		{`{"n": [{"numeric": ["!", 1]}]}`, "Unrecognized numeric range operator: !"},
		{`{"n": [{"numeric": ["<", 1, ">", 0]}]}`, "Too many elements in numeric expression"},
		{`{"n": [{"numeric": [">", 1, ">", 0]}]}`, "Bad numeric range operator: >"},
		{`{"n": [{"numeric": [">", 5, "<", 1]}]}`, "Bottom must be less than top"},
		{`{"n": [{"numeric": [">", 0, "<", 9, "<", 1]}]}`, "Too many terms in numeric range expression"},
		{`{"n": [{"exists": "yes"}]}`, "exists match pattern must be either true or false."},
		{`{"n": [{"anything-but": null}]}`, "Value of anything-but must be an array or single string/number value."},
		{`{"n": [{"anything-but": ["a", 1]}]}`, "Inside anything but list, either all values are number or string, mixed type is not supported"},
		{`{"n": [{"anything-but": [true]}]}`, "Inside anything but list, start|null|boolean is not supported."},
		{`{"n": [{"anything-but": {"numeric": [">", 1]}}]}`, "Unsupported anything-but pattern: numeric"},
		{`{"n": [{"anything-but": {"prefix": ""}}]}`, "Null prefix/suffix not allowed"},
		{`{"n": [{"cidr": "10.0.0.1"}]}`, "Malformed CIDR, one '/' required"},
		{`{"n": [{"cidr": "10.0.0.300/8"}]}`, "Nonstandard IP address: 10.0.0.300"},
		{`{"n": [{"equals-ignore-case": 1}]}`, "equals-ignore-case match pattern must be a string"},
		{`{"n": [{"wildcard": "a**b"}]}`, "Consecutive wildcard characters at pos 2"},
		{`{"n": [{"wildcard": "a\\b"}]}`, "Invalid escape character at pos 1"},
		{`{"$or": [{"a": ["x"]}]}`, "There must have at least 2 Objects in $or relationship."},
		{`{"$or": {"a": ["x"]}}`, "It must be an Array followed with $or."},
		{`{"$or": [{"a": ["x"]}, "b"]}`, "Only JSON object is allowed in array of $or relationship."},
		{`{"$or": [{"a": ["x"]}, {"prefix": ["b"]}]}`, "prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{`{"a": ["x"]`, "Unexpected end-of-input"},
	}
	for _, c := range cases {
		_, err := Compile([]byte(c.pattern))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Compile(%s) = %v, want an *Error", c.pattern, err)
			continue
		}
		if pe.Reason != c.reason {
			t.Errorf("Compile(%s) reason %q, want %q", c.pattern, pe.Reason, c.reason)
		}
	}
}

func TestErrorLocation(t *testing.T) {
	// EventBridge: ... Reason: "source" must be an object or an array
	//  at [Source: (String)"{"source": "aws.ec2"}"; line: 1, column: 13]
	_, err := Compile([]byte(`{"source": "aws.ec2"}`))
	want := "\"source\" must be an object or an array\n at [Source: (String)\"{\"source\": \"aws.ec2\"}\"; line: 1, column: 13]"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestCombinations(t *testing.T) {
	p, err := Compile([]byte(`{"a": ["1", "2"], "$or": [{"b": ["x"]}, {"c": ["y", "z", {"exists": false}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Branches() != 2 || p.Combinations() != 2*1+2*3 {
		t.Fatalf("branches %d combinations %d", p.Branches(), p.Combinations())
	}
	if len(p.Keys()) != 3 || p.Nested() {
		t.Fatalf("keys %v nested %v", p.Keys(), p.Nested())
	}
}

func TestHostileOr(t *testing.T) {
	// Nested $or multiplies branches; the compiler stops before memory does.
	or := `{"a": ["1"]}`
	for i := 0; i < 14; i++ {
		or = fmt.Sprintf(`{"$or": [%s, %s], "k%d": ["v"]}`, or, or, i)
	}
	if _, err := Compile([]byte(or)); err == nil {
		t.Fatal("a pattern of 16384 branches compiled")
	}
}

func TestSetMatchesManyRules(t *testing.T) {
	patterns := map[string]*Pattern{}
	for i := 0; i < 200; i++ {
		src := fmt.Sprintf(`{"source": ["app.%d"], "detail": {"n": [{"numeric": [">", %d]}]}}`, i%20, i)
		patterns[fmt.Sprint(i)] = mustCompile(t, src)
	}
	patterns["any-prefix"] = mustCompile(t, `{"source": [{"prefix": "app."}]}`)
	e, err := ParseEvent([]byte(`{"source": "app.3", "detail": {"n": 50}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := NewSet(patterns).Match(e)
	want := map[string]bool{"any-prefix": true, "3": true, "23": true, "43": true}
	if len(got) != len(want) {
		t.Fatalf("matched %v, want %v", got, want)
	}
	for _, id := range got {
		if !want[id] {
			t.Fatalf("matched %v, want %v", got, want)
		}
	}
}

func mustCompile(t testing.TB, src string) *Pattern {
	t.Helper()
	p, err := Compile([]byte(src))
	if err != nil {
		t.Fatalf("Compile(%s): %v", src, err)
	}
	return p
}

func FuzzCompile(f *testing.F) {
	f.Add(`{"a": [{"numeric": [">", 1, "<", 2]}], "$or": [{"b": ["x"]}, {"c": [{"wildcard": "*x*"}]}]}`)
	f.Add(`{"a": [{"anything-but": {"prefix": "x"}}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Compile([]byte(src))
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || strings.TrimSpace(pe.Reason) == "" {
				t.Fatalf("Compile(%q) error %v is not a reasoned *Error", src, err)
			}
			return
		}
		_, _ = p.Match([]byte(ec2Event))
	})
}
