// Package sqs is SQS's wire: the JSON 1.0 protocol (X-Amz-Target
// AmazonSQS.*, current SDKs and CLIs) and the query/XML protocol (older
// SDKs, Debian's boto3), both answered by the same operation
// implementations, one file per operation, with one route table
// (router.go). It turns queue URLs into names (following the Host the
// client used, or the public URL), asks authz before every operation, and
// renders errors as each protocol's SDKs parse them.
//
// It holds no queue logic: package queues does.
package sqs
