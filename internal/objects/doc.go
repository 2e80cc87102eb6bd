// Package objects is S3's behaviour: buckets, objects, multipart uploads,
// tagging, CORS and notification configurations, with S3's rules and error
// codes (NoSuchBucket, BadDigest, InvalidPart, EntityTooSmall, ...).
//
// Bytes live in the store's blobs, streamed in and out, never held whole in
// memory. An object is a record in the "s3objects" table naming the blobs
// that hold its bytes in order (one for a PUT, one per part for a completed
// multipart upload, so completing never copies). A write stores its blobs
// under fresh names first and publishes the record last, in one KV write: a
// crash or a failed check before that leaves nothing visible, only blobs no
// record names (removed by the writer on failure; after a crash, by
// SweepBlobs).
//
// Each committing write (and delete) first hands its event to a Notifier,
// durably, so notifications survive a crash between the write and their
// delivery; delivery itself (matching configurations, invoking functions)
// is package s3notify's.
//
// It does not speak HTTP or XML (package api/s3 does), authenticate or
// authorise, or keep versions: versioning, lifecycle and object lock are
// not implemented.
package objects
