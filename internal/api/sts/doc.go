// Package sts serves AWS STS's query/XML API (2011-06-15) on Gust's one
// endpoint: GetCallerIdentity and AssumeRole. One file per operation.
//
// It holds no behaviour: package iam mints and checks sessions and
// decides who may assume which role. It does not serve federation
// (AssumeRoleWithSAML/WebIdentity), GetSessionToken or managed session policies (PolicyArns); an inline
// session policy (Policy) narrows the session.
package sts
