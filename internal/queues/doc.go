// Package queues is Gust's SQS: standard and FIFO queues on JetStream, with
// SQS's semantics (visibility timeouts, receive counts, delays, retention,
// FIFO message groups, five-minute deduplication, redrive to a dead-letter
// queue, message move tasks).
//
// Each queue is one JetStream lease stream (store.LeaseStream) with
// work-queue retention and MaxAge = MessageRetentionPeriod; its settings,
// tags and the name of its stream live in the KV table "queues". A standard
// queue's messages wait under the key "r" and are handed out by one durable
// consumer whose AckWait is the queue's VisibilityTimeout: a received
// message is leased, ReceiptHandle is the lease's token, DeleteMessage
// acknowledges it, ChangeMessageVisibility releases it with a delay, and
// ApproximateReceiveCount is JetStream's delivery count. A FIFO queue files
// each message group under its own key, read by its own consumer that
// leases one message at a time, so a group is blocked while its message is
// in flight on any node. Delayed messages are JetStream message schedules
// that publish the message to its queue key when the delay ends.
// Deduplication is JetStream's (Nats-Msg-Id, window five minutes).
//
// It does not speak any wire protocol (package api/sqs does), does not
// authorize callers (the wire layer asks authz), and does not invoke
// functions (event source mappings receive through Receive like any client).
package queues
