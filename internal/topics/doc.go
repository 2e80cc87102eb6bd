// Package topics is SNS's behaviour: topics and subscriptions kept in
// JetStream KV, publishes accepted into a durable JetStream queue and
// delivered at least once to every matching subscription (Lambda
// functions by asynchronous invocation, SQS queues, HTTP/HTTPS endpoints
// with the SubscriptionConfirmation handshake and signed notifications),
// with filter policies, raw delivery, per-protocol message structures,
// AWS's delivery retry policies, redrive to an SQS dead-letter queue, and
// FIFO topics delivered in order.
//
// A publish is one durable fan-out job; a worker turns it into one
// delivery job per matching subscription, so one subscriber's failures
// (retried with delays in the queue) never hold back the others. FIFO
// topics are fanned out and delivered by a single ordered worker instead.
//
// Notifications are signed with an RSA key Gust generates once and keeps
// in the store; its self-signed certificate is served at SigningCertURL.
//
// It does not speak the wire protocol (internal/api/sns does), nor send
// email, SMS or mobile push, nor store messages for replay (archiving).
package topics
