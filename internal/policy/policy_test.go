package policy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustParse(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := Parse(doc, Identity)
	if err != nil {
		t.Fatalf("parsing %s: %v", doc, err)
	}
	return p
}

func TestParseRefusesWhatIAMRefuses(t *testing.T) {
	cases := []struct {
		name, doc, msg string
		kind           Kind
	}{
		{"not json", `{"Version":`, "Syntax errors in policy.", Identity},
		{"trailing", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} x`, "Syntax errors in policy.", Identity},
		{"array", `[]`, "Syntax errors in policy.", Identity},
		{"no statement", `{"Version":"2012-10-17"}`, "Syntax errors in policy.", Identity},
		{"empty statements", `{"Version":"2012-10-17","Statement":[]}`, "Syntax errors in policy.", Identity},
		{"unknown top field", `{"Versio":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "Syntax errors in policy.", Identity},
		{"bad version", `{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "The policy failed legacy parsing", Identity},
		{"unknown statement field", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Foo":1}}`, "Syntax errors in policy.", Identity},
		{"no effect", `{"Statement":{"Action":"*","Resource":"*"}}`, "Missing required field Effect", Identity},
		{"bad effect", `{"Statement":{"Effect":"Alow","Action":"*","Resource":"*"}}`, "Invalid effect: Alow", Identity},
		{"no action", `{"Statement":{"Effect":"Allow","Resource":"*"}}`, "Policy statement must contain actions.", Identity},
		{"action and notaction", `{"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}}`, "Syntax errors in policy.", Identity},
		{"action without vendor", `{"Statement":{"Effect":"Allow","Action":"GetFunction","Resource":"*"}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", Identity},
		{"action bad chars", `{"Statement":{"Effect":"Allow","Action":"lambda:Get Function","Resource":"*"}}`, "Action lambda:Get Function is not valid", Identity},
		{"vendor bad chars", `{"Statement":{"Effect":"Allow","Action":"lam bda:Get","Resource":"*"}}`, "Vendor lam bda is not valid", Identity},
		{"no resource", `{"Statement":{"Effect":"Allow","Action":"s3:*"}}`, "Policy statement must contain resources.", Identity},
		{"bad arn", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}}`, `Resource bucket must be in ARN format or "*".`, Identity},
		{"short arn", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}}`, `Resource arn:aws:s3 must be in ARN format or "*".`, Identity},
		{"principal in identity", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, "Policy document should not specify a principal.", Identity},
		{"bad condition op", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}}`, "Invalid Condition type : StringEqualz", Identity},
		{"condition key without vendor", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}}`, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", Identity},
		{"null bad value", `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:username":"maybe"}}}}`, "Invalid Condition value for Null : maybe", Identity},
		{"duplicate sid", `{"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, "Statement IDs (SID) in a single policy must be unique.", Identity},
		{"sid chars", `{"Statement":{"Sid":"a-b","Effect":"Allow","Action":"s3:*","Resource":"*"}}`, "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*", Identity},
		{"trust without principal", `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "Missing required field Principal", Trust},
		{"trust with resource", `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, "Has prohibited field Resource", Trust},
		{"trust bad principal type", `{"Statement":{"Effect":"Allow","Principal":{"Robot":"x"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "Robot"`, Trust},
		{"trust bad aws principal", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "AWS":"bob"`, Trust},
		{"trust bad service", `{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "Service":"lambda"`, Trust},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.doc, c.kind)
			var m *Malformed
			if !errors.As(err, &m) {
				t.Fatalf("Parse = %v, want *Malformed", err)
			}
			if m.Message != c.msg {
				t.Errorf("message %q, want %q", m.Message, c.msg)
			}
		})
	}
}

func TestParseAcceptsWhatIAMAccepts(t *testing.T) {
	for _, doc := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
		`{"Version":"2008-10-17","Statement":[{"Effect":"Deny","NotAction":["s3:*","lambda:Get*"],"NotResource":"arn:aws:s3:::b/*"}]}`,
		`{"Statement":[{"Sid":"A1","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:x*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10}}}]}`,
		`{"Id":"x","Statement":{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/${aws:username}:*"}}`,
	} {
		if _, err := Parse(doc, Identity); err != nil {
			t.Errorf("Parse(%s) = %v", doc, err)
		}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"],"AWS":["arn:aws:iam::000000000000:root","123456789012"]},"Action":"sts:AssumeRole"}]}`
	if _, err := Parse(trust, Trust); err != nil {
		t.Errorf("trust: %v", err)
	}
}

const fn = "arn:aws:lambda:us-east-1:000000000000:function:"

func TestEvaluate(t *testing.T) {
	ctx := Context{}
	ctx.Set("aws:SourceIp", "10.1.2.3")
	ctx.Set("aws:username", "ana")
	ctx.Set("aws:CurrentTime", "2026-12-03T12:00:00Z")
	ctx.Set("aws:SecureTransport", "false")
	ctx.Set("aws:TagKeys", "team", "env")
	ctx.Set("lambda:FunctionUrlAuthType", "AWS_IAM")
	ctx.Set("aws:MultiFactorAuthAge", "300")

	cases := []struct {
		name     string
		docs     []string
		action   string
		resource string
		want     Decision
	}{
		{"default deny", []string{`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`}, "lambda:GetFunction", fn + "a", NotAllowed},
		{"no policies", nil, "lambda:GetFunction", fn + "a", NotAllowed},
		{"star allows", []string{`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`}, "lambda:DeleteFunction", fn + "a", Allowed},
		{"action case-insensitive", []string{`{"Statement":{"Effect":"Allow","Action":"LAMBDA:getfunction","Resource":"*"}}`}, "lambda:GetFunction", fn + "a", Allowed},
		{"action wildcard", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:Get*","Resource":"*"}}`}, "lambda:GetFunctionConfiguration", fn + "a", Allowed},
		{"action wildcard no match", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:Get*","Resource":"*"}}`}, "lambda:DeleteFunction", fn + "a", NotAllowed},
		{"action question mark", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:?etFunction","Resource":"*"}}`}, "lambda:GetFunction", fn + "a", Allowed},
		{"resource exact", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"` + fn + `a"}}`}, "lambda:InvokeFunction", fn + "a", Allowed},
		{"resource other", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"` + fn + `a"}}`}, "lambda:InvokeFunction", fn + "ab", NotAllowed},
		{"resource case-sensitive", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"` + fn + `A"}}`}, "lambda:InvokeFunction", fn + "a", NotAllowed},
		{"resource wildcard crosses colons", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:*:*:function:a*"}}`}, "lambda:InvokeFunction", fn + "a:prod", Allowed},
		{"resource list", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":["` + fn + `x","` + fn + `a"]}}`}, "lambda:InvokeFunction", fn + "a", Allowed},
		{"explicit deny beats allow", []string{
			`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			`{"Statement":{"Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"*"}}`}, "lambda:DeleteFunction", fn + "a", ExplicitlyDenied},
		{"deny elsewhere does not deny", []string{
			`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"` + fn + `b"}]}`}, "lambda:DeleteFunction", fn + "a", Allowed},
		{"deny before allow in same policy", []string{
			`{"Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`}, "lambda:GetFunction", fn + "a", ExplicitlyDenied},
		{"notaction allows the rest", []string{`{"Statement":{"Effect":"Allow","NotAction":"lambda:Delete*","Resource":"*"}}`}, "lambda:GetFunction", fn + "a", Allowed},
		{"notaction excludes", []string{`{"Statement":{"Effect":"Allow","NotAction":"lambda:Delete*","Resource":"*"}}`}, "lambda:DeleteFunction", fn + "a", NotAllowed},
		{"notresource", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","NotResource":"` + fn + `secret"}}`}, "lambda:GetFunction", fn + "a", Allowed},
		{"notresource excludes", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","NotResource":"` + fn + `secret"}}`}, "lambda:GetFunction", fn + "secret", NotAllowed},
		{"deny notresource", []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"` + fn + `ok"}]}`}, "lambda:GetFunction", fn + "a", ExplicitlyDenied},
		{"variable", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"` + fn + `${aws:username}-*"}}`}, "lambda:GetFunction", fn + "ana-1", Allowed},
		{"variable other user", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"` + fn + `${aws:username}-*"}}`}, "lambda:GetFunction", fn + "bob-1", NotAllowed},
		{"variable missing key", []string{`{"Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"` + fn + `${aws:userid}"}}`}, "lambda:GetFunction", fn + "x", NotAllowed},
		{"StringEquals", cond(`"StringEquals":{"aws:username":"ana"}`), "s3:GetObject", "*", Allowed},
		{"StringEquals list", cond(`"StringEquals":{"aws:username":["bob","ana"]}`), "s3:GetObject", "*", Allowed},
		{"StringEquals no", cond(`"StringEquals":{"aws:username":"Ana"}`), "s3:GetObject", "*", NotAllowed},
		{"key case-insensitive", cond(`"StringEquals":{"AWS:UserName":"ana"}`), "s3:GetObject", "*", Allowed},
		{"StringEqualsIgnoreCase", cond(`"StringEqualsIgnoreCase":{"aws:username":"ANA"}`), "s3:GetObject", "*", Allowed},
		{"StringNotEquals", cond(`"StringNotEquals":{"aws:username":"bob"}`), "s3:GetObject", "*", Allowed},
		{"StringNotEquals no", cond(`"StringNotEquals":{"aws:username":["bob","ana"]}`), "s3:GetObject", "*", NotAllowed},
		{"StringNotEquals missing key", cond(`"StringNotEquals":{"aws:PrincipalTag/x":"bob"}`), "s3:GetObject", "*", Allowed},
		{"StringLike", cond(`"StringLike":{"aws:username":"a*"}`), "s3:GetObject", "*", Allowed},
		{"StringNotLike", cond(`"StringNotLike":{"aws:username":"a*"}`), "s3:GetObject", "*", NotAllowed},
		{"StringEquals missing key", cond(`"StringEquals":{"aws:PrincipalTag/team":"x"}`), "s3:GetObject", "*", NotAllowed},
		{"IfExists missing key", cond(`"StringEqualsIfExists":{"aws:PrincipalTag/team":"x"}`), "s3:GetObject", "*", Allowed},
		{"IfExists present key", cond(`"StringEqualsIfExists":{"aws:username":"x"}`), "s3:GetObject", "*", NotAllowed},
		{"two keys are AND", cond(`"StringEquals":{"aws:username":"ana","lambda:FunctionUrlAuthType":"NONE"}`), "s3:GetObject", "*", NotAllowed},
		{"two operators are AND", cond(`"StringEquals":{"aws:username":"ana"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}`), "s3:GetObject", "*", Allowed},
		{"IpAddress", cond(`"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}`), "s3:GetObject", "*", Allowed},
		{"IpAddress single", cond(`"IpAddress":{"aws:SourceIp":"10.1.2.3"}`), "s3:GetObject", "*", Allowed},
		{"IpAddress no", cond(`"IpAddress":{"aws:SourceIp":"192.168.0.0/16"}`), "s3:GetObject", "*", NotAllowed},
		{"NotIpAddress", cond(`"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}`), "s3:GetObject", "*", Allowed},
		{"NotIpAddress deny", denyCond(`"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}`), "s3:GetObject", "*", Allowed},
		{"NotIpAddress deny applies", denyCond(`"NotIpAddress":{"aws:SourceIp":["172.16.0.0/12"]}`), "s3:GetObject", "*", ExplicitlyDenied},
		{"NumericLessThan", cond(`"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}`), "s3:GetObject", "*", Allowed},
		{"NumericGreaterThan", cond(`"NumericGreaterThan":{"aws:MultiFactorAuthAge":3600}`), "s3:GetObject", "*", NotAllowed},
		{"NumericEquals", cond(`"NumericEquals":{"aws:MultiFactorAuthAge":300}`), "s3:GetObject", "*", Allowed},
		{"NumericNotEquals", cond(`"NumericNotEquals":{"aws:MultiFactorAuthAge":300}`), "s3:GetObject", "*", NotAllowed},
		{"NumericLessThanEquals", cond(`"NumericLessThanEquals":{"aws:MultiFactorAuthAge":300}`), "s3:GetObject", "*", Allowed},
		{"NumericGreaterThanEquals", cond(`"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":301}`), "s3:GetObject", "*", NotAllowed},
		{"Numeric not a number", cond(`"NumericEquals":{"aws:username":1}`), "s3:GetObject", "*", NotAllowed},
		{"DateLessThan", cond(`"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}`), "s3:GetObject", "*", Allowed},
		{"DateGreaterThan", cond(`"DateGreaterThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}`), "s3:GetObject", "*", NotAllowed},
		{"DateGreaterThanEquals day", cond(`"DateGreaterThanEquals":{"aws:CurrentTime":"2026-12-03"}`), "s3:GetObject", "*", Allowed},
		{"DateEquals epoch", cond(`"DateEquals":{"aws:CurrentTime":"1796299200"}`), "s3:GetObject", "*", Allowed},
		{"Bool", cond(`"Bool":{"aws:SecureTransport":"false"}`), "s3:GetObject", "*", Allowed},
		{"Bool json", cond(`"Bool":{"aws:SecureTransport":true}`), "s3:GetObject", "*", NotAllowed},
		{"deny insecure transport", denyCond(`"Bool":{"aws:SecureTransport":"false"}`), "s3:GetObject", "*", ExplicitlyDenied},
		{"Null true absent", cond(`"Null":{"aws:PrincipalTag/x":"true"}`), "s3:GetObject", "*", Allowed},
		{"Null true present", cond(`"Null":{"aws:username":"true"}`), "s3:GetObject", "*", NotAllowed},
		{"Null false present", cond(`"Null":{"aws:username":"false"}`), "s3:GetObject", "*", Allowed},
		{"ArnLike", cond(`"ArnLike":{"aws:SourceArn":"arn:aws:events:*:*:rule/*"}`), "s3:GetObject", "*", NotAllowed},
		{"ForAnyValue", cond(`"ForAnyValue:StringEquals":{"aws:TagKeys":["env","x"]}`), "s3:GetObject", "*", Allowed},
		{"ForAnyValue none", cond(`"ForAnyValue:StringEquals":{"aws:TagKeys":["x"]}`), "s3:GetObject", "*", NotAllowed},
		{"ForAnyValue missing", cond(`"ForAnyValue:StringEquals":{"aws:Nothing":["x"]}`), "s3:GetObject", "*", NotAllowed},
		{"ForAllValues", cond(`"ForAllValues:StringEquals":{"aws:TagKeys":["env","team","x"]}`), "s3:GetObject", "*", Allowed},
		{"ForAllValues one outside", cond(`"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}`), "s3:GetObject", "*", NotAllowed},
		{"ForAllValues missing is true", cond(`"ForAllValues:StringEquals":{"aws:Nothing":["env"]}`), "s3:GetObject", "*", Allowed},
		{"ForAllValues StringLike", cond(`"ForAllValues:StringLike":{"aws:TagKeys":["e*","t*"]}`), "s3:GetObject", "*", Allowed},
		{"ForAnyValue StringNotEquals", cond(`"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env"]}`), "s3:GetObject", "*", Allowed},
		{"ForAllValues StringNotEquals", cond(`"ForAllValues:StringNotEquals":{"aws:TagKeys":["env"]}`), "s3:GetObject", "*", NotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ps []*Policy
			for _, d := range c.docs {
				ps = append(ps, mustParse(t, d))
			}
			if got := Evaluate(ps, Request{Action: c.action, Resource: c.resource, Context: ctx}); got != c.want {
				t.Errorf("Evaluate = %v, want %v", got, c.want)
			}
		})
	}
}

func cond(c string) []string {
	return []string{`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{` + c + `}}}`}
}

func denyCond(c string) []string {
	return []string{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{` + c + `}}]}`}
}

func TestArnLikeParts(t *testing.T) {
	ctx := Context{}
	ctx.Set("aws:SourceArn", "arn:aws:events:us-east-1:000000000000:rule/nightly")
	for pat, want := range map[string]bool{
		"arn:aws:events:*:*:rule/*":                          true,
		"arn:aws:events:us-east-1:000000000000:rule/nightly": true,
		"arn:aws:events:us-west-2:*:rule/*":                  false,
		"arn:aws:events:*:*:rule/n?ghtly":                    true,
		"arn:aws:events:*":                                   false,
		"arn:aws:sqs:*:*:*":                                  false,
	} {
		p := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"`+pat+`"}}}}`)
		if got := p.Evaluate(Request{Action: "s3:x", Resource: "*", Context: ctx}) == Allowed; got != want {
			t.Errorf("ArnLike %s = %v, want %v", pat, got, want)
		}
	}
}

func TestTrusts(t *testing.T) {
	trust, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/ana"},"Action":"sts:AssumeRole"}]}`, Trust)
	if err != nil {
		t.Fatal(err)
	}
	account, err := Parse(`{"Statement":{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole"}}`, Trust)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		p        *Policy
		typ, who string
		want     bool
	}{
		{trust, "Service", "lambda.amazonaws.com", true},
		{trust, "Service", "events.amazonaws.com", false},
		{trust, "AWS", "arn:aws:iam::000000000000:user/ana", true},
		{trust, "AWS", "arn:aws:iam::000000000000:user/bob", false},
		{account, "AWS", "arn:aws:iam::000000000000:user/bob", true},
		{account, "AWS", "arn:aws:iam::111111111111:user/bob", false},
		{account, "Service", "lambda.amazonaws.com", false},
	}
	for _, c := range cases {
		if got := c.p.Trusts(c.typ, c.who, "000000000000", "sts:AssumeRole", nil); got != c.want {
			t.Errorf("Trusts(%s %s) = %v, want %v", c.typ, c.who, got, c.want)
		}
	}
	if trust.Trusts("Service", "lambda.amazonaws.com", "000000000000", "sts:TagSession", nil) {
		t.Error("trust allowed an action it does not name")
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*c", "abc", true}, {"a*c", "ab", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*a*a*a*b", strings.Repeat("a", 50), false},
		{"**", "x", true}, {"a*", "a", true}, {"", "", true}, {"", "a", false}, {"abc", "abc", true},
	} {
		if got := glob(c.pat, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.pat, c.s, got, c.want)
		}
	}
}

// twentyStatements is the benchmark's policy: 19 statements that do not
// match a warm invoke and one that does, last.
func twentyStatements() string {
	var st []string
	for i := 0; i < 19; i++ {
		st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["sqs:SendMessage","s3:Get*"],"Resource":"arn:aws:sqs:*:*:queue-%d"}`, i))
	}
	st = append(st, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:target*"}`)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
}

func BenchmarkEvaluate20Statements(b *testing.B) {
	p := mustParse(b, twentyStatements())
	r := Request{Action: "lambda:InvokeFunction", Resource: fn + "target-1", Context: Context{"aws:sourceip": {"127.0.0.1"}}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if p.Evaluate(r) != Allowed {
			b.Fatal("not allowed")
		}
	}
}
