// Package policy is IAM's policy language: it parses and validates policy
// documents (identity policies and role trust policies) the way IAM does
// when they are stored, and evaluates them against one request.
//
// A document is parsed once into a [Policy] whose statements hold compiled
// patterns, so evaluating it is a few string comparisons per statement: the
// warm invoke path asks on every call.
//
// Evaluation follows AWS's logic for identity-based policies: an explicit
// Deny in any policy beats every Allow, an Allow is needed, and anything not
// allowed is denied by default ([Evaluate]). Statements match on Action or
// NotAction (case-insensitive, with * and ? wildcards), Resource or
// NotResource (ARNs with wildcards and policy variables such as
// ${aws:username}), and Condition with the common operators (String*,
// Numeric*, Date*, Bool, IpAddress, Arn*, Null, with ...IfExists and the
// ForAnyValue:/ForAllValues: set qualifiers).
//
// It deliberately does not know who the caller is, which policies apply to
// them, or what an action's resource is: package iam gathers those. It does
// not implement resource-based policies, permissions boundaries, session
// policies or service control policies.
package policy
