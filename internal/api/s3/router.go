package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"gust/internal/api/sigv4"
	"gust/internal/authz"
	"gust/internal/objects"
)

// Options configures the S3 handler.
type Options struct {
	Objects    *objects.Service
	Verifier   *sigv4.Verifier
	Authorizer authz.Authorizer
	Region     string
	Logger     *slog.Logger
}

// Handler serves S3.
type Handler struct{ o Options }

// New returns the S3 handler.
func New(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Authorizer == nil {
		o.Authorizer = authz.Everyone{}
	}
	return &Handler{o: o}
}

// target is what a route acts on.
type target int

const (
	onService target = iota // GET /
	onBucket
	onObject
)

// route is one operation: method, target, the query subresource that
// selects it ("" for none, "copy" for a PUT with x-amz-copy-source, "v2"
// for list-type=2) and the IAM action asked of the authorizer.
type route struct {
	method, sub, action string
	on                  target
	serve               func(*Handler, *request) error
}

// routes is every operation Gust serves.
var routes = []route{
	{"GET", "", "s3:ListAllMyBuckets", onService, listBuckets},

	{"PUT", "", "s3:CreateBucket", onBucket, createBucket},
	{"DELETE", "", "s3:DeleteBucket", onBucket, deleteBucket},
	{"HEAD", "", "s3:ListBucket", onBucket, headBucket},
	{"GET", "location", "s3:GetBucketLocation", onBucket, getBucketLocation},
	{"GET", "v2", "s3:ListBucket", onBucket, listObjectsV2},
	{"GET", "", "s3:ListBucket", onBucket, listObjects},
	{"POST", "delete", "s3:DeleteObject", onBucket, deleteObjects},
	{"GET", "uploads", "s3:ListBucketMultipartUploads", onBucket, listMultipartUploads},
	{"PUT", "tagging", "s3:PutBucketTagging", onBucket, putBucketTagging},
	{"GET", "tagging", "s3:GetBucketTagging", onBucket, getBucketTagging},
	{"DELETE", "tagging", "s3:PutBucketTagging", onBucket, deleteBucketTagging},
	{"PUT", "cors", "s3:PutBucketCORS", onBucket, putBucketCORS},
	{"GET", "cors", "s3:GetBucketCORS", onBucket, getBucketCORS},
	{"DELETE", "cors", "s3:PutBucketCORS", onBucket, deleteBucketCORS},
	{"PUT", "notification", "s3:PutBucketNotification", onBucket, putBucketNotification},
	{"GET", "notification", "s3:GetBucketNotification", onBucket, getBucketNotification},

	{"PUT", "", "s3:PutObject", onObject, putObject},
	{"PUT", "copy", "s3:PutObject", onObject, copyObject},
	{"GET", "", "s3:GetObject", onObject, getObject},
	{"HEAD", "", "s3:GetObject", onObject, getObject},
	{"DELETE", "", "s3:DeleteObject", onObject, deleteObject},
	{"PUT", "tagging", "s3:PutObjectTagging", onObject, putObjectTagging},
	{"GET", "tagging", "s3:GetObjectTagging", onObject, getObjectTagging},
	{"DELETE", "tagging", "s3:DeleteObjectTagging", onObject, deleteObjectTagging},
	{"POST", "uploads", "s3:PutObject", onObject, createMultipartUpload},
	{"PUT", "uploadId", "s3:PutObject", onObject, uploadPart},
	{"PUT", "uploadId+copy", "s3:PutObject", onObject, uploadPartCopy},
	{"POST", "uploadId", "s3:PutObject", onObject, completeMultipartUpload},
	{"DELETE", "uploadId", "s3:AbortMultipartUpload", onObject, abortMultipartUpload},
	{"GET", "uploadId", "s3:ListMultipartUploadParts", onObject, listParts},
}

// selectors are the subresources that pick an operation, in the order they
// are looked for.
var selectors = []string{"uploadId", "uploads", "tagging", "cors", "location", "notification", "delete"}

// unsupported are subresources of S3 operations Gust does not implement.
var unsupported = []string{"acl", "policy", "policyStatus", "lifecycle", "versioning", "versions", "website", "logging",
	"replication", "encryption", "object-lock", "retention", "legal-hold", "requestPayment", "accelerate", "analytics",
	"inventory", "metrics", "intelligent-tiering", "ownershipControls", "publicAccessBlock", "restore", "select",
	"torrent", "attributes", "session", "metadataTable"}

// request is one S3 request as the operations see it.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	bucket string
	key    string
	query  url.Values
	caller sigv4.Principal
	body   *sigv4.Payload
	id     string
	origin objects.Origin
}

// Routes wraps next: requests whose Host names a bucket
// (<bucket>.s3.<anything>), requests signed for s3, and S3's legacy
// presigned URLs (which carry no credential scope) go to S3; every other
// request goes to next. Placed before any http.ServeMux, it keeps keys
// such as "a//b" or "./x" from being cleaned into redirects.
func (h *Handler) Routes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := HostBucket(r.Host); ok || sigv4.IsS3QueryV2(r) || sigv4.ScopeService(r) == "s3" {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// HostBucket is the bucket a virtual-hosted request's Host names.
func HostBucket(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	i := strings.LastIndex(host, ".s3.")
	if i <= 0 {
		return "", false
	}
	return host[:i], true
}

// ServeHTTP serves one S3 request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, ctx: r.Context(), query: r.URL.Query(), id: newRequestID()}
	w.Header().Set("x-amz-request-id", req.id)
	w.Header().Set("x-amz-id-2", hostID)
	w.Header().Set("Server", "AmazonS3")
	path := r.URL.Path
	hostBucket, vhost := HostBucket(r.Host)
	if vhost {
		req.bucket, req.key = hostBucket, strings.TrimPrefix(path, "/")
	} else {
		req.bucket, req.key, _ = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	}
	if r.Method == http.MethodOptions {
		h.preflight(req)
		return
	}
	var caller sigv4.Principal
	var body *sigv4.Payload
	var err error
	if sigv4.IsS3QueryV2(r) {
		caller, body, err = h.o.Verifier.VerifyS3QueryV2(r, hostBucket)
	} else {
		caller, body, err = h.o.Verifier.VerifyS3(r)
	}
	if err != nil {
		h.writeError(req, err)
		return
	}
	req.caller, req.body = caller, body
	req.origin = objects.Origin{SourceIP: sourceIP(r), PrincipalID: caller.AccessKeyID, RequestID: req.id}
	req.ctx = authz.WithCaller(req.ctx, caller)

	rt, err := pick(req)
	if err != nil {
		h.writeError(req, err)
		return
	}
	if err := h.o.Authorizer.Authorize(req.ctx, caller, authz.Request{Action: rt.action, Resources: []string{req.arn(rt.on)}}); err != nil {
		h.writeError(req, err)
		return
	}
	if err := rt.serve(h, req); err != nil {
		h.writeError(req, err)
	}
}

// pick finds the request's route.
func pick(req *request) (route, error) {
	on := onService
	switch {
	case req.key != "":
		on = onObject
	case req.bucket != "":
		on = onBucket
	}
	for _, u := range unsupported {
		if req.query.Has(u) {
			return route{}, notImplemented()
		}
	}
	sub := ""
	for _, s := range selectors {
		if req.query.Has(s) {
			sub = s
			break
		}
	}
	copying := req.r.Header.Get("X-Amz-Copy-Source") != "" && req.r.Method == http.MethodPut
	switch {
	case sub == "" && copying:
		sub = "copy"
	case sub == "uploadId" && copying:
		sub = "uploadId+copy"
	case sub == "" && on == onBucket && req.query.Get("list-type") == "2":
		sub = "v2"
	}
	for _, rt := range routes {
		if rt.on == on && rt.method == req.r.Method && rt.sub == sub {
			return rt, nil
		}
	}
	return route{}, s3Err(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
}

func (req *request) arn(on target) string {
	switch on {
	case onBucket:
		return "arn:aws:s3:::" + req.bucket
	case onObject:
		return "arn:aws:s3:::" + req.bucket + "/" + req.key
	}
	return "*"
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// hostID stands in for x-amz-id-2, which S3 uses to name the host that
// served a request.
const hostID = "gust"

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// isNotFound reports whether err is a missing bucket or key.
func isNotFound(err error) bool {
	var e interface{ Status() int }
	return errors.As(err, &e) && e.Status() == http.StatusNotFound
}
