// Package s3notify delivers S3 event notifications: it keeps the durable
// queue that package objects records each event in before the write it
// describes commits, and a delivery loop that, for each event, confirms
// the write did commit, matches the bucket's notification configuration
// (event type, prefix and suffix rules) and invokes each matching Lambda
// function asynchronously (invoke.Request with InvocationType Event, so
// the function's retries and destinations apply) with AWS's S3 event
// record (eventVersion 2.1).
//
// Delivery is at least once: an event is acknowledged only after every
// matching invocation was accepted, so a crash anywhere between the write
// and the invocation redelivers it. An event whose write never committed
// (the server died between recording it and committing) is dropped once it
// is older than a grace period, and so is one whose destination kept
// refusing it (a missing function or queue) that long.
//
// QueueConfigurations and TopicConfigurations are delivered the same way
// to SQS (the record document as the message body) and SNS (subject
// "Amazon S3 Notification"); putting such a configuration sends them S3's
// s3:TestEvent first. It does not deliver to EventBridge.
package s3notify
