package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"gust/internal/gusttest"
)

// s3Error is S3's error document.
type s3ErrorDoc struct {
	XMLName      xml.Name `xml:"Error"`
	Code         string
	Message      string
	BucketName   string
	Key          string
	RequestID    string `xml:"RequestId"`
	HostID       string `xml:"HostId"`
	StringToSign string
}

// s3Raw sends one request signed as S3 clients sign (the path as sent,
// the payload's SHA-256) and returns the status and decoded error, if any.
func s3Raw(t *testing.T, srv *gusttest.Server, method, path string, header http.Header, body []byte) (int, s3ErrorDoc) {
	t.Helper()
	req, err := http.NewRequest(method, srv.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: gusttest.AccessKeyID, SecretAccessKey: gusttest.SecretAccessKey}
	if err := signer.SignHTTP(gusttest.Context(t), creds, req, hash, "s3", gusttest.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	return s3Send(t, req)
}

func s3Send(t *testing.T, req *http.Request) (int, s3ErrorDoc) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var doc s3ErrorDoc
	if res.StatusCode >= 400 && req.Method != http.MethodHead {
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s %s: %d with a body that is not S3's error XML: %q", req.Method, req.URL, res.StatusCode, b)
		}
		if doc.RequestID == "" || doc.RequestID != res.Header.Get("x-amz-request-id") {
			t.Errorf("error RequestId %q, header %q", doc.RequestID, res.Header.Get("x-amz-request-id"))
		}
	}
	return res.StatusCode, doc
}

func wantS3Error(t *testing.T, what string, status int, doc s3ErrorDoc, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || doc.Code != wantCode {
		t.Errorf("%s: %d %s (%s), want %d %s", what, status, doc.Code, doc.Message, wantStatus, wantCode)
	}
}

// TestS3BadInput: what S3 refuses, Gust refuses with S3's status, code
// and XML, and stores nothing.
func TestS3BadInput(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	ctx := gusttest.Context(t)
	c := s3Client(srv, true)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bad-input")}); err != nil {
		t.Fatal(err)
	}
	absent := func(key string) {
		t.Helper()
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bad-input"), Key: aws.String(key)})
		var nf *s3types.NotFound
		if !errors.As(err, &nf) {
			t.Errorf("%q is visible after a refused write: %v", key, err)
		}
	}

	t.Run("BucketNames", func(t *testing.T) {
		for _, name := range []string{"ab", "Bad_Name", "-leading", "trailing-", "two..dots", "192.168.1.1", "xn--punycode", "x" + strings.Repeat("y", 63)} {
			status, doc := s3Raw(t, srv, "PUT", "/"+name, nil, nil)
			wantS3Error(t, "CreateBucket "+name, status, doc, 400, "InvalidBucketName")
			if doc.Message != "The specified bucket is not valid." || doc.BucketName != name {
				t.Errorf("CreateBucket %s: %+v", name, doc)
			}
		}
		out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil || len(out.Buckets) != 1 {
			t.Errorf("buckets after refused creates: %v %v", out, err)
		}
		status, doc := s3Raw(t, srv, "PUT", "/no-such-bucket/k", nil, []byte("x"))
		wantS3Error(t, "PutObject to a missing bucket", status, doc, 404, "NoSuchBucket")
		if doc.BucketName != "no-such-bucket" {
			t.Errorf("NoSuchBucket names %q", doc.BucketName)
		}
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bad-input"), Key: aws.String("keep"), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
		status, doc = s3Raw(t, srv, "DELETE", "/bad-input", nil, nil)
		wantS3Error(t, "DeleteBucket of a non-empty bucket", status, doc, 409, "BucketNotEmpty")
	})

	t.Run("Digests", func(t *testing.T) {
		h := http.Header{"Content-Md5": {"1B2M2Y8AsgTpgAmY7PhCfg=="}} // MD5 of nothing
		status, doc := s3Raw(t, srv, "PUT", "/bad-input/md5", h, []byte("something"))
		wantS3Error(t, "wrong Content-MD5", status, doc, 400, "BadDigest")
		absent("md5")
		h = http.Header{"Content-Md5": {"not base64"}}
		status, doc = s3Raw(t, srv, "PUT", "/bad-input/md5", h, []byte("something"))
		wantS3Error(t, "malformed Content-MD5", status, doc, 400, "InvalidDigest")
		for _, alg := range []string{"crc32", "crc32c", "sha256", "crc64nvme"} {
			h = http.Header{"X-Amz-Checksum-" + alg: {"AAAAAA=="}, "X-Amz-Sdk-Checksum-Algorithm": {strings.ToUpper(alg)}}
			status, doc = s3Raw(t, srv, "PUT", "/bad-input/sum-"+alg, h, []byte("something"))
			wantS3Error(t, "wrong "+alg, status, doc, 400, "BadDigest")
			absent("sum-" + alg)
		}
		// The body is not the one signed.
		req, _ := http.NewRequest("PUT", srv.Endpoint+"/bad-input/sha", strings.NewReader("tampered"))
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		sum := sha256.Sum256([]byte("original"))
		req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
		_ = signer.SignHTTP(ctx, aws.Credentials{AccessKeyID: gusttest.AccessKeyID, SecretAccessKey: gusttest.SecretAccessKey}, req, hex.EncodeToString(sum[:]), "s3", gusttest.Region, time.Now())
		status, doc = s3Send(t, req)
		wantS3Error(t, "payload not matching x-amz-content-sha256", status, doc, 400, "XAmzContentSHA256Mismatch")
		absent("sha")
	})

	t.Run("Multipart", func(t *testing.T) {
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bad-input"), Key: aws.String("mp")})
		if err != nil {
			t.Fatal(err)
		}
		var etags []string
		for i, size := range []int{1, 1} {
			p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bad-input"), Key: aws.String("mp"), UploadId: up.UploadId,
				PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(make([]byte, size))})
			if err != nil {
				t.Fatal(err)
			}
			etags = append(etags, *p.ETag)
		}
		absent("mp") // an incomplete upload is no object
		complete := func(parts ...s3types.CompletedPart) error {
			_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bad-input"), Key: aws.String("mp"),
				UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
			return err
		}
		part := func(n int32, etag string) s3types.CompletedPart {
			return s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: aws.String(etag)}
		}
		for what, tc := range map[string]struct {
			parts []s3types.CompletedPart
			code  string
		}{
			"part too small":  {[]s3types.CompletedPart{part(1, etags[0]), part(2, etags[1])}, "EntityTooSmall"},
			"wrong ETag":      {[]s3types.CompletedPart{part(1, `"0123456789abcdef0123456789abcdef"`)}, "InvalidPart"},
			"missing part":    {[]s3types.CompletedPart{part(3, etags[0])}, "InvalidPart"},
			"parts unordered": {[]s3types.CompletedPart{part(2, etags[1]), part(1, etags[0])}, "InvalidPartOrder"},
		} {
			if err := complete(tc.parts...); apiErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", what, err, tc.code)
			}
			absent("mp")
		}
		_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bad-input"), Key: aws.String("mp"), UploadId: aws.String("nosuchupload"),
			PartNumber: aws.Int32(1), Body: strings.NewReader("x")})
		if apiErrorCode(err) != "NoSuchUpload" {
			t.Errorf("part of an unknown upload: %v", err)
		}
		// The one valid completion: the last part may be small.
		if err := complete(part(1, etags[0])); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Presigned", func(t *testing.T) {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bad-input"), Key: aws.String("shared"), Body: strings.NewReader("secret")}); err != nil {
			t.Fatal(err)
		}
		presigner := s3.NewPresignClient(c)
		expired, err := presigner.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bad-input"), Key: aws.String("shared")},
			s3.WithPresignExpires(time.Second), func(o *s3.PresignOptions) {
				o.ClientOptions = append(o.ClientOptions, func(o *s3.Options) {
					o.HTTPSignerV4 = v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true })
				})
			})
		if err != nil {
			t.Fatal(err)
		}
		good, err := presigner.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bad-input"), Key: aws.String("shared")}, s3.WithPresignExpires(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		get := func(u string) (int, s3ErrorDoc) {
			req, _ := http.NewRequest("GET", u, nil)
			return s3Send(t, req)
		}
		if status, _ := get(good.URL); status != 200 {
			t.Errorf("presigned GET: %d", status)
		}
		time.Sleep(2 * time.Second) // the URL's one second of life runs out
		status, doc := get(expired.URL)
		wantS3Error(t, "expired presigned URL", status, doc, 403, "AccessDenied")
		if doc.Message != "Request has expired" {
			t.Errorf("expired: %q", doc.Message)
		}
		u, _ := url.Parse(good.URL)
		u.Path = "/bad-input/other"
		status, doc = get(u.String())
		wantS3Error(t, "presigned URL for another key", status, doc, 403, "SignatureDoesNotMatch")
		if !strings.HasPrefix(doc.StringToSign, "AWS4-HMAC-SHA256\n") {
			t.Errorf("SignatureDoesNotMatch without StringToSign: %+v", doc)
		}
		q := u.Query()
		q.Set("X-Amz-Expires", "86400")
		u.Path, u.RawQuery = "/bad-input/shared", q.Encode()
		status, doc = get(u.String())
		wantS3Error(t, "presigned URL with a longer life", status, doc, 403, "SignatureDoesNotMatch")
	})

	t.Run("SpecialKeys", func(t *testing.T) {
		keys := []string{
			"a b/c+d%e&f=g?h#i;j:k@l$m,n'o(p)q*r!s~t_u.v-w\"x<y>z{|}^`[]\\",
			"日本語/ファイル名.txt", "emoji-😀", "trailing/", "//double//slash", "./dot/../segments", "tab\there", "percent%2Fslash",
		}
		for _, k := range keys {
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bad-input"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
				t.Errorf("PutObject %q: %v", k, err)
				continue
			}
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bad-input"), Key: aws.String(k)})
			if err != nil {
				t.Errorf("GetObject %q: %v", k, err)
				continue
			}
			b, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(b) != k {
				t.Errorf("GetObject %q returned %q", k, b)
			}
		}
		listed := map[string]bool{}
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("bad-input")})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Contents {
				listed[*o.Key] = true
			}
		}
		for _, k := range keys {
			if !listed[k] {
				t.Errorf("ListObjectsV2 misses %q (has %v)", k, listed)
			}
		}
		long := strings.Repeat("k", 1025)
		status, doc := s3Raw(t, srv, "PUT", "/bad-input/"+long, nil, []byte("x"))
		wantS3Error(t, "a 1025-byte key", status, doc, 400, "KeyTooLongError")
	})

	t.Run("CORSTaggingConditions", func(t *testing.T) {
		_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("bad-input"), CORSConfiguration: &s3types.CORSConfiguration{
			CORSRules: []s3types.CORSRule{{AllowedOrigins: []string{"https://app.example"}, AllowedMethods: []string{"PUT", "GET"},
				AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600)}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("bad-input")})
		if err != nil || len(got.CORSRules) != 1 || got.CORSRules[0].AllowedOrigins[0] != "https://app.example" {
			t.Errorf("GetBucketCors = %+v, %v", got, err)
		}
		preflight := func(origin string) *http.Response {
			req, _ := http.NewRequest("OPTIONS", srv.Endpoint+"/bad-input/upload.bin", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "PUT")
			req.Header.Set("Access-Control-Request-Headers", "content-type, x-amz-meta-a")
			req.Host = "bad-input.s3.us-east-1.localhost"
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := preflight("https://app.example"); res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			res.Header.Get("Access-Control-Max-Age") != "600" || !strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "PUT") {
			t.Errorf("allowed preflight: %d %v", res.StatusCode, res.Header)
		}
		if res := preflight("https://evil.example"); res.StatusCode != 403 {
			t.Errorf("preflight from another origin: %d", res.StatusCode)
		}

		if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("bad-input"),
			Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("s3")}}}}); err != nil {
			t.Fatal(err)
		}
		tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("bad-input")})
		if err != nil || len(tags.TagSet) != 1 || *tags.TagSet[0].Value != "s3" {
			t.Errorf("GetBucketTagging = %+v, %v", tags, err)
		}
		if _, err := c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String("bad-input")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("bad-input")}); apiErrorCode(err) != "NoSuchTagSet" {
			t.Errorf("GetBucketTagging after delete: %v", err)
		}

		put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bad-input"), Key: aws.String("cond"), Body: strings.NewReader("0123456789")})
		if err != nil {
			t.Fatal(err)
		}
		status, _ := s3Raw(t, srv, "GET", "/bad-input/cond", http.Header{"If-None-Match": {*put.ETag}}, nil)
		if status != http.StatusNotModified {
			t.Errorf("If-None-Match with the ETag: %d, want 304", status)
		}
		status, doc := s3Raw(t, srv, "GET", "/bad-input/cond", http.Header{"If-Match": {`"other"`}}, nil)
		wantS3Error(t, "If-Match with another ETag", status, doc, 412, "PreconditionFailed")
		status, doc = s3Raw(t, srv, "GET", "/bad-input/cond", http.Header{"Range": {"bytes=20-30"}}, nil)
		wantS3Error(t, "a range past the end", status, doc, 416, "InvalidRange")
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bad-input"), Key: aws.String("cond"), Range: aws.String("bytes=-3")})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(b) != "789" || *out.ContentRange != "bytes 7-9/10" {
			t.Errorf("suffix range: %q %s", b, *out.ContentRange)
		}
	})
}

// TestS3Permissions: every S3 operation asks IAM, with S3's action names
// and ARNs; a user whose policy allows reading one prefix reads it and is
// refused everything else with S3's AccessDenied.
func TestS3Permissions(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	ctx := gusttest.Context(t)
	root := s3Client(srv, true)
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("perm")}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"public/a.txt", "private/b.txt"} {
		if _, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("perm"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	mustAWSCLI(t, srv, cliV2, "iam", "create-user", "--user-name", "s3reader")
	mustAWSCLI(t, srv, cliV2, "iam", "put-user-policy", "--user-name", "s3reader", "--policy-name", "read-public", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::perm/public/*"},`+
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::perm"}]}`)
	key := mustAWSCLI(t, srv, cliV2, "iam", "create-access-key", "--user-name", "s3reader")["AccessKey"].(map[string]any)
	user := s3.New(s3.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(key["AccessKeyId"].(string), key["SecretAccessKey"].(string), "")})
	if _, err := user.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("perm"), Key: aws.String("public/a.txt")}); err != nil {
		t.Errorf("allowed GetObject: %v", err)
	}
	if _, err := user.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("perm")}); err != nil {
		t.Errorf("allowed ListObjectsV2: %v", err)
	}
	_, err := user.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("perm"), Key: aws.String("private/b.txt")})
	if apiErrorCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "s3:GetObject on resource: arn:aws:s3:::perm/private/b.txt") {
		t.Errorf("GetObject outside the prefix: %v", err)
	}
	_, err = user.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("perm"), Key: aws.String("public/new.txt"), Body: strings.NewReader("x")})
	if apiErrorCode(err) != "AccessDenied" {
		t.Errorf("PutObject: %v", err)
	}
	if _, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("perm"), Key: aws.String("public/new.txt")}); err == nil {
		t.Error("the refused PUT stored an object")
	}
	if _, err := user.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("perm")}); apiErrorCode(err) != "AccessDenied" {
		t.Errorf("DeleteBucket: %v", err)
	}
}
