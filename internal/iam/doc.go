// Package iam is Gust's identity and access management: the account's
// roles, users, access keys and policies (stored in JetStream KV through
// package store), STS's temporary credentials, and the Authorizer every
// service asks before it acts.
//
// Identities:
//   - the account root: the server's own key pair; always allowed;
//   - IAM users, signing with their access keys (AKIA...); their inline
//     and attached policies apply;
//   - role sessions (ASIA... keys with a session token), from STS
//     AssumeRole or minted for a function's execution role; the role's
//     inline and attached policies apply.
//
// Session tokens are self-contained and authenticated: the token carries
// the role, the session name, the expiry and (for execution roles) the
// function, sealed with an HMAC of a key derived from the server's secret;
// the session's access key id and secret are derived from the token. So
// any node with the same secret verifies them without a store round trip,
// and nothing is stored per session. A token is refused once expired, when
// its role is deleted (or replaced by a new role of the same name), and,
// for a function's credentials, when the function is deleted.
//
// Compiled policies are cached per principal and dropped on any change to
// the IAM tables, so evaluation on the hot path reads no store.
//
// It does not speak any wire protocol (packages api/iam and api/sts do),
// and does not implement groups, permissions boundaries, resource-based
// policies, managed session policies (PolicyArns), MFA or policy versions
// beyond v1. An inline session policy (AssumeRole's Policy) travels in the
// token and narrows the session.
package iam
