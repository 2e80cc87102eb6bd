// Package events serves Amazon EventBridge's API (JSON 1.1, X-Amz-Target
// AWSEvents.*, SigV4 service "events"): rules (PutRule, DescribeRule,
// ListRules, DeleteRule, EnableRule, DisableRule), targets (PutTargets,
// RemoveTargets, ListTargetsByRule), event buses (CreateEventBus,
// DeleteEventBus, DescribeEventBus, ListEventBuses), PutEvents,
// TestEventPattern and tagging of rules and buses.
//
// It holds no behaviour: package rules stores rules and fires schedules,
// package buses keeps buses and routes events. It does not serve
// archives, replays, connections, API destinations, endpoints or bus
// permissions.
package events
