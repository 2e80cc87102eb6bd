// Package iam serves AWS IAM's query/XML API (2010-05-08) on Gust's one
// endpoint: roles, users, access keys, inline and managed policies, tags.
// One file per operation; router.go lists them with the IAM action and
// resource each is authorized for before it runs.
//
// It holds no behaviour: package iam validates, stores and evaluates. It
// does not serve groups, instance profiles, OIDC/SAML providers,
// permissions boundaries or policy versions beyond the default one.
package iam
