// Package s3 is S3's REST/XML wire protocol on Gust's one endpoint: it
// finds the bucket and key (path style http://host/bucket/key, or virtual
// hosted http://bucket.s3.<region>.localhost:port/key), authenticates the
// request with SigV4 as S3 signs (sigv4.VerifyS3: unencoded canonical URI,
// UNSIGNED-PAYLOAD, aws-chunked bodies, trailing checksums, presigned
// URLs), picks the operation from router.go's one table, asks the
// authorizer (s3:GetObject on arn:aws:s3:::bucket/key, ...), and renders
// results and errors as S3 does (<Error><Code>..</Code>...</Error>). The
// authoritative model is botocore's s3 service-2.json.
//
// It holds no behaviour: package objects does, and streams bodies without
// buffering them. Versioning, ACLs, policies, lifecycle, website hosting,
// object lock, encryption settings and SigV2 are not implemented; their
// subresources answer NotImplemented.
package s3
