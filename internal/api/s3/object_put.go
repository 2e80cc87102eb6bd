package s3

import (
	"net/http"

	"gust/internal/objects"
)

// maxPutSize is S3's largest single PUT: 5 GiB.
const maxPutSize = 5 << 30

func putObject(h *Handler, req *request) error {
	if req.r.ContentLength < 0 && req.body.Length() < 0 {
		return s3Err(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if req.body.Length() > maxPutSize {
		return s3Err(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	headers, meta, err := objectHeaders(req.r)
	if err != nil {
		return err
	}
	tags, err := tagsFrom(req.r.Header.Get("x-amz-tagging"))
	if err != nil {
		return err
	}
	expect, err := expectFrom(req)
	if err != nil {
		return err
	}
	obj, err := h.o.Objects.PutObject(req.ctx, objects.PutInput{
		Bucket: req.bucket, Key: req.key, Body: req.body, Expect: expect,
		Headers: headers, Metadata: meta, Tags: tags, Origin: req.origin,
	})
	if err != nil {
		return err
	}
	req.w.Header().Set("ETag", obj.ETag)
	setChecksum(req.w, obj.Checksum)
	req.w.WriteHeader(http.StatusOK)
	return nil
}
