package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kind says which rules a document must follow.
type Kind int

const (
	// Identity policies (inline or managed) name no Principal and must
	// name resources.
	Identity Kind = iota
	// Trust policies (a role's AssumeRolePolicyDocument) must name a
	// Principal and no Resource.
	Trust
)

// Malformed is a document IAM refuses; Message is IAM's text for
// MalformedPolicyDocument.
type Malformed struct{ Message string }

func (m *Malformed) Error() string { return m.Message }

func malformed(format string, args ...any) *Malformed {
	return &Malformed{Message: fmt.Sprintf(format, args...)}
}

// Policy is a parsed, validated document.
type Policy struct {
	Statements []Statement
	// usesContext: some statement has a Condition or a policy variable,
	// so evaluation needs the request's condition keys.
	usesContext bool
}

// UsesContext reports whether evaluating p reads Request.Context; callers
// on hot paths skip building the context when none of their policies do.
func (p *Policy) UsesContext() bool { return p.usesContext }

// Statement is one compiled statement.
type Statement struct {
	Sid        string
	Deny       bool
	Principals Principals
	// NotPrincipal inverts Principals.
	NotPrincipal bool
	Actions      []pattern
	NotAction    bool
	Resources    []pattern
	NotResource  bool
	Conditions   []condition
}

// Principals are a trust statement's principals by type ("AWS",
// "Service", "Federated", "CanonicalUser"); Any is the bare "*".
type Principals struct {
	Any    bool
	ByType map[string][]string
}

var (
	// IAM's rule for an action: a vendor prefix, a colon, a name of
	// letters, digits and wildcards.
	actionPattern = regexp.MustCompile(`^[a-zA-Z0-9-]+:[a-zA-Z0-9*?_-]*$`)
	vendorPattern = regexp.MustCompile(`^[a-zA-Z0-9*?-]+$`)
)

var statementFields = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true, "Condition": true}

// Parse validates doc as IAM does on CreatePolicy, PutRolePolicy or
// CreateRole, returning a *Malformed for a document IAM refuses.
func Parse(doc string, kind Kind) (*Policy, error) {
	var top map[string]json.RawMessage
	if err := strictDecode([]byte(doc), &top); err != nil || top == nil {
		return nil, malformed("Syntax errors in policy.")
	}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, malformed("Syntax errors in policy.")
		}
	}
	if v, ok := top["Version"]; ok {
		var s string
		if json.Unmarshal(v, &s) != nil || (s != "2012-10-17" && s != "2008-10-17") {
			return nil, malformed("The policy failed legacy parsing")
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, malformed("Syntax errors in policy.")
	}
	var stmts []map[string]json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if json.Unmarshal(raw, &stmts) != nil {
			return nil, malformed("Syntax errors in policy.")
		}
	} else {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) != nil || one == nil {
			return nil, malformed("Syntax errors in policy.")
		}
		stmts = []map[string]json.RawMessage{one}
	}
	if len(stmts) == 0 {
		return nil, malformed("Syntax errors in policy.")
	}
	p := &Policy{}
	sids := map[string]bool{}
	for _, raw := range stmts {
		s, err := parseStatement(raw, kind)
		if err != nil {
			return nil, err
		}
		if s.Sid != "" {
			if sids[s.Sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique.")
			}
			sids[s.Sid] = true
		}
		p.Statements = append(p.Statements, s)
		if len(s.Conditions) > 0 {
			p.usesContext = true
		}
		for _, pt := range append(append([]pattern{}, s.Actions...), s.Resources...) {
			if pt.vars {
				p.usesContext = true
			}
		}
	}
	return p, nil
}

func parseStatement(raw map[string]json.RawMessage, kind Kind) (Statement, error) {
	var s Statement
	if raw == nil {
		return s, malformed("Syntax errors in policy.")
	}
	for k := range raw {
		if !statementFields[k] {
			return s, malformed("Syntax errors in policy.")
		}
	}
	if v, ok := raw["Sid"]; ok {
		if json.Unmarshal(v, &s.Sid) != nil {
			return s, malformed("Syntax errors in policy.")
		}
		for _, r := range s.Sid {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') && kind == Identity {
				return s, malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
			}
		}
	}
	var effect string
	if v, ok := raw["Effect"]; !ok {
		return s, malformed("Missing required field Effect")
	} else if json.Unmarshal(v, &effect) != nil {
		return s, malformed("Syntax errors in policy.")
	}
	switch effect {
	case "Allow":
	case "Deny":
		s.Deny = true
	default:
		return s, malformed("Invalid effect: %s", effect)
	}

	_, hasP := raw["Principal"]
	_, hasNP := raw["NotPrincipal"]
	switch {
	case hasP && hasNP:
		return s, malformed("Syntax errors in policy.")
	case kind == Identity && (hasP || hasNP):
		return s, malformed("Policy document should not specify a principal.")
	case kind == Trust && !hasP && !hasNP:
		return s, malformed("Missing required field Principal")
	case hasP || hasNP:
		field := "Principal"
		if hasNP {
			field, s.NotPrincipal = "NotPrincipal", true
		}
		pr, err := parsePrincipals(raw[field])
		if err != nil {
			return s, err
		}
		s.Principals = pr
	}

	actions, notAction, err := eitherList(raw, "Action", "NotAction")
	if err != nil {
		return s, err
	}
	if actions == nil {
		return s, malformed("Policy statement must contain actions.")
	}
	s.NotAction = notAction
	for _, a := range actions {
		if a != "*" {
			vendor, _, _ := strings.Cut(a, ":")
			if !strings.Contains(a, ":") {
				return s, malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
			}
			if !vendorPattern.MatchString(vendor) {
				return s, malformed("Vendor %s is not valid", vendor)
			}
			if !actionPattern.MatchString(a) {
				return s, malformed("Action %s is not valid", a)
			}
		}
		s.Actions = append(s.Actions, newPattern(strings.ToLower(a)))
	}

	resources, notResource, err := eitherList(raw, "Resource", "NotResource")
	if err != nil {
		return s, err
	}
	switch {
	case kind == Trust && resources != nil:
		field := "Resource"
		if notResource {
			field = "NotResource"
		}
		return s, malformed("Has prohibited field %s", field)
	case kind == Identity && resources == nil:
		return s, malformed("Policy statement must contain resources.")
	}
	s.NotResource = notResource
	for _, r := range resources {
		if r != "*" && !validARNPattern(r) {
			return s, malformed("Resource %s must be in ARN format or \"*\".", r)
		}
		s.Resources = append(s.Resources, newPattern(r))
	}

	if v, ok := raw["Condition"]; ok {
		conds, err := parseConditions(v)
		if err != nil {
			return s, err
		}
		s.Conditions = conds
	}
	return s, nil
}

// validARNPattern: "arn:" and at least six colon-separated parts
// (partition, service, region, account, resource), wildcards allowed.
func validARNPattern(r string) bool {
	parts := strings.SplitN(r, ":", 6)
	return len(parts) == 6 && (parts[0] == "arn" || parts[0] == "*") && parts[2] != ""
}

// eitherList reads field or its Not form; both is malformed.
func eitherList(raw map[string]json.RawMessage, field, notField string) ([]string, bool, error) {
	v, has := raw[field]
	nv, hasNot := raw[notField]
	if has && hasNot {
		return nil, false, malformed("Syntax errors in policy.")
	}
	if !has && !hasNot {
		return nil, false, nil
	}
	if hasNot {
		v = nv
	}
	list, err := stringList(v)
	if err != nil {
		return nil, false, err
	}
	if len(list) == 0 {
		return nil, false, malformed("Syntax errors in policy.")
	}
	return list, hasNot, nil
}

// stringList reads a string or a list of strings.
func stringList(v json.RawMessage) ([]string, error) {
	var one string
	if json.Unmarshal(v, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if json.Unmarshal(v, &many) != nil {
		return nil, malformed("Syntax errors in policy.")
	}
	if many == nil {
		many = []string{}
	}
	return many, nil
}

func parsePrincipals(v json.RawMessage) (Principals, error) {
	var star string
	if json.Unmarshal(v, &star) == nil {
		if star != "*" {
			return Principals{}, malformed("Invalid principal in policy: %q", star)
		}
		return Principals{Any: true}, nil
	}
	var byType map[string]json.RawMessage
	if json.Unmarshal(v, &byType) != nil || len(byType) == 0 {
		return Principals{}, malformed("Syntax errors in policy.")
	}
	p := Principals{ByType: map[string][]string{}}
	for t, raw := range byType {
		switch t {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return Principals{}, malformed("Invalid principal in policy: %q", t)
		}
		list, err := stringList(raw)
		if err != nil {
			return Principals{}, err
		}
		for _, id := range list {
			if !validPrincipal(t, id) {
				return Principals{}, malformed("Invalid principal in policy: \"%s\":\"%s\"", t, id)
			}
		}
		p.ByType[t] = list
	}
	return p, nil
}

var (
	accountID    = regexp.MustCompile(`^\d{12}$`)
	iamPrincipal = regexp.MustCompile(`^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|user/.+|role/.+|assumed-role/.+/.+|federated-user/.+)$`)
	servicePrinc = regexp.MustCompile(`^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`)
)

func validPrincipal(typ, id string) bool {
	switch typ {
	case "AWS":
		return id == "*" || accountID.MatchString(id) || iamPrincipal.MatchString(id)
	case "Service":
		return id == "*" || servicePrinc.MatchString(id)
	}
	return id != ""
}

// strictDecode decodes one JSON value and refuses trailing data.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// keysSorted returns m's keys in order, for deterministic validation.
func keysSorted[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
