// Package mappings is Lambda's event source mappings for SQS queues: their
// configuration (the KV table "mappings", keyed by UUID), their states
// (Creating, Enabling, Enabled, Updating, Disabling, Disabled, Deleting) and
// the pollers that move messages from a queue into a function.
//
// Every node runs a poller for every enabled mapping. Pollers receive
// through package queues, whose messages are JetStream leases shared by all
// nodes, so two nodes never process one message at once beyond SQS's
// at-least-once. A poller grows more concurrent batch loops while messages
// wait (each loop that got a batch starts another, up to the mapping's
// MaximumConcurrency and the function's reserved concurrency) and shrinks
// when receives come back empty. A batch is deleted when the function
// succeeds (all but the reported items with ReportBatchItemFailures); on a
// function error it becomes visible again after the queue's visibility
// timeout, and the queue's redrive policy moves it to its dead-letter queue
// after maxReceiveCount receives. A throttled invocation is retried with
// backoff while the batch's visibility is extended, so throttles never lose
// or dead-letter a message.
//
// Transitional states are settled by whichever node's runner sees them
// first (compare-and-swap on the record). It does not deliver to anything
// but functions, and it does not know any wire protocol (api/lambda does).
package mappings
