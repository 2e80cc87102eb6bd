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
// Rules live per event bus (the default bus's under "rule.", a custom
// bus's under "rules=<bus>="). A fired tick's event is handed to a Router
// (package buses) that delivers to every kind of target; without one,
// Lambda targets are invoked directly. It does not match event patterns:
// package buses does.
package rules
