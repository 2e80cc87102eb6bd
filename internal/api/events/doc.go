// Package events serves the subset of the Amazon EventBridge API that
// scheduled rules need (JSON 1.1, X-Amz-Target AWSEvents.*, SigV4 service
// "events"): PutRule, DescribeRule, ListRules, DeleteRule, EnableRule,
// DisableRule, PutTargets, RemoveTargets and ListTargetsByRule, on the
// default event bus only.
//
// It stores rules through package rules, which fires them. It does not
// serve PutEvents, event buses, archives or input transformers; targets
// must be Lambda functions.
package events
