package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// S3's legacy presigned URLs (signature version 2 in the query string:
// AWSAccessKeyId, Expires, Signature) are still what the AWS CLI v1's
// "s3 presign" and boto3's generate_presigned_url produce for us-east-1,
// so S3 accepts them as AWS still does there. They sign
//
//	VERB \n Content-MD5 \n Content-Type \n Expires \n x-amz-* headers /bucket/key[?subresources]
//
// with HMAC-SHA1.

// IsS3QueryV2 reports whether r carries a signature version 2 presigned
// query string.
func IsS3QueryV2(r *http.Request) bool {
	q := r.URL.Query()
	return q.Has("AWSAccessKeyId") && q.Has("Signature") && q.Has("Expires")
}

// s3SubResources are the query parameters a version 2 signature covers.
var s3SubResources = map[string]bool{
	"acl": true, "cors": true, "delete": true, "lifecycle": true, "location": true, "logging": true, "notification": true,
	"partNumber": true, "policy": true, "requestPayment": true, "tagging": true, "torrent": true, "uploadId": true,
	"uploads": true, "versionId": true, "versioning": true, "versions": true, "website": true, "restore": true,
	"response-cache-control": true, "response-content-disposition": true, "response-content-encoding": true,
	"response-content-language": true, "response-content-type": true, "response-expires": true,
}

// VerifyS3QueryV2 authenticates a version 2 presigned S3 request. bucket
// is the bucket a virtual-hosted request's Host names ("" for path style),
// which the signed resource starts with. The body is not signed
// (UNSIGNED-PAYLOAD in all but name).
func (v *Verifier) VerifyS3QueryV2(r *http.Request, bucket string) (Principal, *Payload, error) {
	path, rawQuery := requestTarget(r)
	var id, sig, expires string
	var sub []string
	for _, p := range splitQuery(rawQuery) {
		switch {
		case p.key == "AWSAccessKeyId":
			id = p.value
		case p.key == "Signature":
			sig = p.value
		case p.key == "Expires":
			expires = p.value
		case s3SubResources[p.key]:
			if p.rawValue == "" && !strings.Contains(rawQuery, p.rawKey+"=") {
				sub = append(sub, p.key)
			} else {
				sub = append(sub, p.key+"="+p.value)
			}
		}
	}
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return Principal{}, nil, authError(CodeIncompleteSignature, "Invalid date (should be seconds since epoch): %s", expires)
	}
	secret, ok := v.lookup(id)
	if !ok {
		return Principal{}, nil, authError(CodeUnrecognizedClient, msgUnrecognized)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if now().Unix() > exp {
		return Principal{}, nil, authError(CodeAccessDenied, msgRequestExpired)
	}
	resource := path
	if bucket != "" {
		resource = "/" + bucket + path
	}
	sort.Strings(sub)
	if len(sub) > 0 {
		resource += "?" + strings.Join(sub, "&")
	}
	var amz []string
	for name := range r.Header {
		if l := strings.ToLower(name); strings.HasPrefix(l, "x-amz-") {
			amz = append(amz, l+":"+strings.Join(r.Header.Values(name), ",")+"\n")
		}
	}
	sort.Strings(amz)
	sts := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" + expires + "\n" + strings.Join(amz, "") + resource
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
		e := authError(CodeInvalidSignature, msgSignatureMismatch)
		e.Mismatch = &Mismatch{AccessKeyID: id, StringToSign: sts, SignatureProvided: sig}
		return Principal{}, nil, e
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	return Principal{AccessKeyID: id, Region: "us-east-1", Service: "s3", Presigned: true}, &Payload{src: body, length: r.ContentLength}, nil
}
