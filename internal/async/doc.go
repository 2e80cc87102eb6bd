// Package async delivers asynchronous invocations (InvocationType Event)
// with Lambda's semantics: the API accepts an event only after it is
// durably queued in JetStream; workers here invoke the function, retry
// function errors up to MaximumRetryAttempts with backoff, retry throttles
// and system errors with backoff until MaximumEventAgeInSeconds, and send
// Lambda's invocation record to the on-success or on-failure destination.
//
// Delivery is at least once: an event is acknowledged only after its
// outcome (including its destination record) is settled, so a crash
// re-delivers it. Function-error attempts are counted in memory; after a
// crash the count restarts, so an event may get up to MaximumRetryAttempts
// extra attempts, never fewer.
//
// It does not run functions itself (it calls package invoke) and it does not
// deliver to queues or topics (Gust has none yet).
package async
