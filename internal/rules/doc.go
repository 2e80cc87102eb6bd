// Package rules keeps EventBridge scheduled rules and their targets, and
// fires them: a Scheduler, owned by whoever calls Run, looks at every
// enabled rule once a second and sends the Scheduled Event of each due tick
// to the rule's Lambda targets as asynchronous invocations.
//
// Each tick fires once across every node sharing the store: before firing,
// a node advances the rule's last-fired tick in a KV table with
// compare-and-swap, and only the node whose swap succeeds fires. Ticks
// missed while no node ran are not replayed; the latest due tick fires.
//
// It does not match event patterns (rules with EventPattern are stored but
// never fire: Gust has no event bus) nor deliver to targets other than
// Lambda functions.
package rules
