package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"gust/internal/gusttest"
)

// s3Client is aws-sdk-go-v2's S3 client for srv, path style or virtual
// hosted (<bucket>.s3.us-east-1.localhost:port).
func s3Client(srv *gusttest.Server, pathStyle bool) *s3.Client {
	endpoint := srv.Endpoint
	if !pathStyle {
		endpoint = strings.Replace(endpoint, "127.0.0.1", "s3.us-east-1.localhost", 1)
	}
	// Go's resolver does not know *.localhost; the dialer does what a
	// browser or curl does with it.
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(host, ".localhost") {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return dialer.DialContext(ctx, network, addr)
	}}}
	return s3.New(s3.Options{
		HTTPClient:       client,
		Region:           gusttest.Region,
		BaseEndpoint:     aws.String(endpoint),
		UsePathStyle:     pathStyle,
		Credentials:      credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

func randomFile(t *testing.T, dir, name string, size int) (string, []byte) {
	t.Helper()
	b := make([]byte, size)
	_, _ = rand.Read(b)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestS3 drives S3 with every real client against one server.
func TestS3(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "process"}})
	t.Run("CLI", func(t *testing.T) {
		for _, cli := range []string{cliV1, cliV2} {
			t.Run(strings.ReplaceAll(cli, "/", "_"), func(t *testing.T) {
				t.Parallel()
				checkS3CLI(t, srv, cli)
			})
		}
	})
	t.Run("boto3", func(t *testing.T) {
		for i, py := range []string{pythonNew, pythonDebian} {
			t.Run(fmt.Sprint(i), func(t *testing.T) { checkS3Boto3(t, srv, py, fmt.Sprintf("boto%d", i)) })
		}
	})
	t.Run("FunctionCodeFromS3", func(t *testing.T) { checkS3FunctionCode(t, srv) })
	t.Run("GoSDK", func(t *testing.T) {
		checkS3GoSDK(t, srv, true)
		checkS3GoSDK(t, srv, false)
	})
}

func checkS3CLI(t *testing.T, srv *gusttest.Server, cli string) {
	dir := t.TempDir()
	bucket := "cli-" + strings.ReplaceAll(strings.Trim(cli, "/"), "/", "-")
	must := func(args ...string) string {
		t.Helper()
		out, err := awsCLI(t, srv, cli, args...)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	must("s3", "mb", "s3://"+bucket)
	small, smallBody := randomFile(t, dir, "small.txt", 1000)
	big, bigBody := randomFile(t, dir, "big.bin", 9<<20) // above the CLI's 8 MB multipart threshold
	must("s3", "cp", small, "s3://"+bucket+"/dir/small.txt", "--only-show-errors")
	must("s3", "cp", big, "s3://"+bucket+"/big.bin", "--only-show-errors")
	must("s3", "cp", "s3://"+bucket+"/big.bin", filepath.Join(dir, "big.out"), "--only-show-errors")
	if !bytes.Equal(mustRead(t, filepath.Join(dir, "big.out")), bigBody) {
		t.Fatal("multipart object read back differs")
	}
	head := mustAWSCLI(t, srv, cli, "s3api", "head-object", "--bucket", bucket, "--key", "big.bin")
	if etag := fmt.Sprint(head["ETag"]); !strings.HasSuffix(etag, `-2"`) || head["ContentLength"] != float64(9<<20) {
		t.Errorf("multipart head-object = %v, want a -2 ETag", head)
	}
	sum := md5.Sum(smallBody)
	head = mustAWSCLI(t, srv, cli, "s3api", "head-object", "--bucket", bucket, "--key", "dir/small.txt")
	if head["ETag"] != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("ETag %v, want the MD5 %x", head["ETag"], sum)
	}

	// sync uploads what is missing, then nothing.
	syncDir := filepath.Join(dir, "tree")
	_ = os.MkdirAll(filepath.Join(syncDir, "sub"), 0o755)
	randomFile(t, syncDir, "a.txt", 10)
	randomFile(t, filepath.Join(syncDir, "sub"), "b c+d.txt", 20)
	must("s3", "sync", syncDir, "s3://"+bucket+"/tree")
	if again := must("s3", "sync", syncDir, "s3://"+bucket+"/tree"); strings.TrimSpace(again) != "" {
		t.Errorf("second sync uploaded again: %s", again)
	}
	ls := must("s3", "ls", "s3://"+bucket+"/", "--recursive")
	for _, k := range []string{"dir/small.txt", "big.bin", "tree/a.txt", "tree/sub/b c+d.txt"} {
		if !strings.Contains(ls, k) {
			t.Errorf("ls misses %q:\n%s", k, ls)
		}
	}
	if top := must("s3", "ls", "s3://"+bucket+"/"); !strings.Contains(top, "PRE dir/") || !strings.Contains(top, "PRE tree/") {
		t.Errorf("ls with delimiter:\n%s", top)
	}
	if buckets := must("s3", "ls"); !strings.Contains(buckets, bucket) {
		t.Errorf("ls of buckets misses %s:\n%s", bucket, buckets)
	}

	// presign, then a plain HTTP GET.
	url := strings.TrimSpace(must("s3", "presign", "s3://"+bucket+"/dir/small.txt", "--expires-in", "60"))
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, smallBody) {
		t.Errorf("presigned GET: %d %q", res.StatusCode, got[:min(len(got), 300)])
	}

	must("s3", "rm", "s3://"+bucket+"/tree", "--recursive", "--only-show-errors")
	if cli == cliV1 {
		// Each CLI call costs a second of CPU: the s3api calls, whose
		// wire format both CLIs share (botocore's model), run with v2 only.
		return
	}
	// s3api: multipart by hand, tagging, copy, list, delete-objects.
	up := mustAWSCLI(t, srv, cli, "s3api", "create-multipart-upload", "--bucket", bucket, "--key", "manual")
	id := fmt.Sprint(up["UploadId"])
	part := mustAWSCLI(t, srv, cli, "s3api", "upload-part", "--bucket", bucket, "--key", "manual", "--upload-id", id, "--part-number", "1", "--body", small)
	parts := mustAWSCLI(t, srv, cli, "s3api", "list-parts", "--bucket", bucket, "--key", "manual", "--upload-id", id)
	if ps, _ := parts["Parts"].([]any); len(ps) != 1 {
		t.Errorf("list-parts = %v", parts)
	}
	ups := mustAWSCLI(t, srv, cli, "s3api", "list-multipart-uploads", "--bucket", bucket)
	if us, _ := ups["Uploads"].([]any); len(us) != 1 {
		t.Errorf("list-multipart-uploads = %v", ups)
	}
	doc := fmt.Sprintf(`{"Parts":[{"PartNumber":1,"ETag":%q}]}`, part["ETag"])
	done := mustAWSCLI(t, srv, cli, "s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "manual", "--upload-id", id, "--multipart-upload", doc)
	if !strings.HasSuffix(fmt.Sprint(done["ETag"]), `-1"`) {
		t.Errorf("complete = %v", done)
	}
	up = mustAWSCLI(t, srv, cli, "s3api", "create-multipart-upload", "--bucket", bucket, "--key", "aborted")
	mustAWSCLI(t, srv, cli, "s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "aborted", "--upload-id", fmt.Sprint(up["UploadId"]))
	if _, err := awsCLI(t, srv, cli, "s3api", "list-parts", "--bucket", bucket, "--key", "aborted", "--upload-id", fmt.Sprint(up["UploadId"])); err == nil || !strings.Contains(err.Error(), "NoSuchUpload") {
		t.Errorf("list-parts after abort: %v", err)
	}
	mustAWSCLI(t, srv, cli, "s3api", "put-object-tagging", "--bucket", bucket, "--key", "manual", "--tagging", `{"TagSet":[{"Key":"k","Value":"v"}]}`)
	tags := mustAWSCLI(t, srv, cli, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "manual")
	if ts, _ := tags["TagSet"].([]any); len(ts) != 1 || ts[0].(map[string]any)["Key"] != "k" {
		t.Errorf("get-object-tagging = %v", tags)
	}
	mustAWSCLI(t, srv, cli, "s3api", "copy-object", "--bucket", bucket, "--key", "copied", "--copy-source", bucket+"/dir/small.txt")
	loc := mustAWSCLI(t, srv, cli, "s3api", "get-bucket-location", "--bucket", bucket)
	if loc["LocationConstraint"] != nil {
		t.Errorf("get-bucket-location = %v", loc)
	}
	v1 := mustAWSCLI(t, srv, cli, "s3api", "list-objects", "--bucket", bucket, "--delimiter", "/")
	if cps, _ := v1["CommonPrefixes"].([]any); len(cps) != 1 {
		t.Errorf("list-objects = %v", v1)
	}
	v2 := mustAWSCLI(t, srv, cli, "s3api", "list-objects-v2", "--bucket", bucket, "--max-items", "2")
	if cs, _ := v2["Contents"].([]any); len(cs) != 2 || v2["NextToken"] == nil {
		t.Errorf("list-objects-v2 paginated = %v", v2)
	}
	del := mustAWSCLI(t, srv, cli, "s3api", "delete-objects", "--bucket", bucket, "--delete", `{"Objects":[{"Key":"copied"},{"Key":"manual"}]}`)
	if ds, _ := del["Deleted"].([]any); len(ds) != 2 {
		t.Errorf("delete-objects = %v", del)
	}
	must("s3", "rm", "s3://"+bucket, "--recursive", "--only-show-errors")
	must("s3", "rb", "s3://"+bucket)
	if _, err := awsCLI(t, srv, cli, "s3api", "head-bucket", "--bucket", bucket); err == nil {
		t.Error("bucket still there after rb")
	}
}

const boto3S3Script = `
import boto3, os, sys, urllib.request, hashlib
from boto3.s3.transfer import TransferConfig
bucket, work = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
s3.create_bucket(Bucket=bucket)
cfg = TransferConfig(multipart_threshold=5*1024*1024, multipart_chunksize=5*1024*1024)
src = os.path.join(work, "src.bin")
with open(src, "wb") as f:
    f.write(os.urandom(11*1024*1024))
s3.upload_file(src, bucket, "up/file.bin", Config=cfg)
head = s3.head_object(Bucket=bucket, Key="up/file.bin")
assert head["ETag"].endswith('-3"'), head["ETag"]
dst = os.path.join(work, "dst.bin")
s3.download_file(bucket, "up/file.bin", dst, Config=cfg)
assert open(src, "rb").read() == open(dst, "rb").read(), "download differs"
s3.put_object(Bucket=bucket, Key="meta.txt", Body=b"hello", Metadata={"colour": "blue"}, ContentType="text/plain")
o = s3.get_object(Bucket=bucket, Key="meta.txt")
assert o["Body"].read() == b"hello" and o["Metadata"] == {"colour": "blue"} and o["ContentType"] == "text/plain", o
r = s3.get_object(Bucket=bucket, Key="meta.txt", Range="bytes=1-3")
assert r["Body"].read() == b"ell" and r["ContentRange"] == "bytes 1-3/5", r
url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "meta.txt"}, ExpiresIn=60)
assert urllib.request.urlopen(url).read() == b"hello"
put = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "presigned-put", "ContentType": "text/plain"}, ExpiresIn=60)
urllib.request.urlopen(urllib.request.Request(put, data=b"via presigned PUT", method="PUT", headers={"Content-Type": "text/plain"}))
assert s3.get_object(Bucket=bucket, Key="presigned-put")["Body"].read() == b"via presigned PUT"
keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1}) for o in p.get("Contents", [])]
assert keys == ["meta.txt", "presigned-put", "up/file.bin"], keys
print("ok")
`

func checkS3Boto3(t *testing.T, srv *gusttest.Server, python, bucket string) {
	out := runPython(t, srv, python, boto3S3Script, bucket, t.TempDir())
	if strings.TrimSpace(out) != "ok" {
		t.Errorf("boto3 script: %s", out)
	}
}

func checkS3GoSDK(t *testing.T, srv *gusttest.Server, pathStyle bool) {
	ctx := gusttest.Context(t)
	c := s3Client(srv, pathStyle)
	bucket := fmt.Sprintf("go-sdk-%v", pathStyle)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 12<<20)
	_, _ = rand.Read(body)
	up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20 })
	if _, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("managed/blob"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("transfer manager upload: %v", err)
	}
	buf := manager.NewWriteAtBuffer(nil)
	down := manager.NewDownloader(c, func(d *manager.Downloader) { d.PartSize = 5 << 20 })
	if _, err := down.Download(ctx, buf, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("managed/blob")}); err != nil {
		t.Fatalf("transfer manager download: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), body) {
		t.Fatal("downloaded bytes differ")
	}
	for i := range 3 {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(fmt.Sprintf("small/%d", i)),
			Body: strings.NewReader("x"), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
		if err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("small/"), MaxKeys: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, *o.Key)
		}
	}
	if strings.Join(keys, ",") != "small/0,small/1,small/2" {
		t.Errorf("paginated keys = %v", keys)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("small/0"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if get.ChecksumSHA256 == nil {
		t.Errorf("GetObject with checksum mode: no SHA256 checksum")
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("HeadObject of a missing key: %v", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("GetObject of a missing key: %v", err)
	}
}

// checkS3FunctionCode: CreateFunction and UpdateFunctionCode take the
// package from a bucket (Code.S3Bucket/S3Key), as SAM, CDK and Terraform
// deploy; a missing key is S3's error inside Lambda's.
func checkS3FunctionCode(t *testing.T, srv *gusttest.Server) {
	ctx := gusttest.Context(t)
	c := s3Client(srv, true)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("deploy-artifacts")}); err != nil {
		t.Fatal(err)
	}
	zip := goFunctionZip(t)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("deploy-artifacts"), Key: aws.String("builds/fn.zip"), Body: bytes.NewReader(zip)}); err != nil {
		t.Fatal(err)
	}
	lc := srv.Lambda()
	out := createFunction(t, lc, "from-s3", nil, func(in *lambda.CreateFunctionInput) {
		in.Code = &lambdatypes.FunctionCode{S3Bucket: aws.String("deploy-artifacts"), S3Key: aws.String("builds/fn.zip")}
	})
	sum := sha256.Sum256(zip)
	if *out.CodeSha256 != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("CodeSha256 %s is not the package's", *out.CodeSha256)
	}
	var echoed map[string]any
	invokeJSON(t, lc, "from-s3", map[string]any{"action": "echo", "arg": "from a bucket"}, &echoed)
	if echoed["arg"] != "from a bucket" {
		t.Errorf("invoke = %v", echoed)
	}
	if _, err := lc.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("from-s3"),
		S3Bucket: aws.String("deploy-artifacts"), S3Key: aws.String("builds/fn.zip")}); err != nil {
		t.Errorf("UpdateFunctionCode from S3: %v", err)
	}
	_, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("from-nowhere"), Runtime: lambdatypes.RuntimeProvidedal2023,
		Role: aws.String(testRole), Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{S3Bucket: aws.String("deploy-artifacts"), S3Key: aws.String("builds/missing.zip")}})
	var ipv *lambdatypes.InvalidParameterValueException
	if !errors.As(err, &ipv) || !strings.Contains(*ipv.Message, "NoSuchKey") {
		t.Errorf("CreateFunction from a missing key: %v", err)
	}
}
