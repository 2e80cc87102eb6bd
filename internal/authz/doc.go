// Package authz is the contract between Gust's AWS-shaped front ends and the
// code that decides what a signed caller may do.
//
// Every service's wire package, once SigV4 has told it who signed a request,
// asks its Authorizer one question per operation: may this caller perform
// Action (IAM's "service:Operation" name, for example "sqs:SendMessage") on
// these Resources (ARNs) given this Context (condition keys)? A refusal is a
// *Denied, which each wire package renders in its own protocol's error shape
// (AccessDeniedException, AccessDenied, ...), with AWS's message.
//
// It holds no policies and evaluates nothing itself: package iam implements
// Authorizer. It does not authenticate either: that is package sigv4's.
package authz
