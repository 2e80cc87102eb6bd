// Package buses is EventBridge's event buses: the default bus and custom
// buses (kept in JetStream KV), PutEvents accepting events into a durable
// JetStream queue, and a worker that matches each event against its bus's
// rules (package eventpattern, indexed so that a thousand rules cost tens
// of microseconds) and delivers it to every target of every matching rule:
// Lambda functions by asynchronous invocation, SQS queues, SNS topics and
// other buses, with Input, InputPath and InputTransformer, per-target
// retries (RetryPolicy) and a dead-letter SQS queue (DeadLetterConfig).
//
// Each (rule, target) delivery is its own durable job, so a failing target
// is retried without holding back the others.
//
// Rules themselves are kept by package rules (which also fires scheduled
// rules); this package only reads them. It does not archive or replay
// events, run API destinations, or enforce resource policies on buses.
package buses
