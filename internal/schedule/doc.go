// Package schedule parses EventBridge schedule expressions, rate(...) and
// the six-field cron(...), and computes their fire times in UTC.
//
// It knows nothing of rules, storage or clocks: callers ask Next(after)
// with whatever time they hold. It does not support one-time at(...)
// expressions or time zones (EventBridge Scheduler features, not rules).
package schedule
