// Package sigv4 authenticates incoming HTTP requests signed with AWS
// Signature Version 4, the way an AWS service front end does, and mints the
// presigned GET URLs that Gust hands out (GetFunction's Code.Location).
//
// Its one job is to answer "did the holder of this access key sign exactly
// this request, recently, for this service?". [Verifier.Verify] accepts both
// forms AWS clients use:
//
//   - the Authorization header ("AWS4-HMAC-SHA256 Credential=...,
//     SignedHeaders=..., Signature=...") with X-Amz-Date or Date, and
//   - the presigned query string (X-Amz-Algorithm, X-Amz-Credential,
//     X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature).
//
// The canonical request is rebuilt from what arrived on the wire, not re-signed
// with an SDK, because the server must reproduce each client's
// canonicalisation rather than impose its own. AWS's rule for every service
// but S3 is that the canonical URI is the request path URI-encoded once more
// ("double encoding": a function ARN sent as arn%3Aaws%3A... is signed as
// arn%253Aaws%253A...); aws-sdk-go-v2 and botocore follow it, and botocore
// also removes dot segments and duplicate slashes first. curl before 8.x
// signs the raw path and the raw, unsorted query. Verify therefore tries a
// small, fixed set of canonical forms and accepts the request when any of
// them matches; canonical.go explains why the set cannot be abused to make
// one signature cover two different requests.
//
// With [Verifier.Region] set, a credential scope naming another region is
// refused as AWS refuses it ("Credential should be scoped to a valid
// region."); IAM and STS, global services, also accept us-east-1.
//
// Failures are returned as *[Error], carrying the code, message and HTTP
// status AWS uses, so the API layer can render them in its own wire format.
//
// What it deliberately does not do:
//
//   - It does not store or manage credentials: the caller supplies a [Lookup]
//     from access key id to secret.
//   - It does not know which session tokens are genuine: a request with an
//     X-Amz-Security-Token is checked by the Verifier's [SessionLookup]
//     (package iam's), which answers the session's secret or refuses the
//     token as invalid or expired.
//   - It does not authorise. A verified [Principal] says who signed, not what
//     they may do.
//   - It does not read the request body. The caller reads it (with its own
//     size limit) and passes the bytes in, so the body can still be decoded
//     afterwards.
//   - It does not support SigV4a (AWS4-ECDSA-P256-SHA256) or streaming
//     (aws-chunked) payload signing, which only S3 clients use.
//   - It does not prevent replay within the allowed clock-skew window; AWS
//     does not either.
package sigv4
