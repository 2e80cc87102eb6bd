package s3

import (
	"net/http"
	"strconv"
)

// maxPartSize is S3's largest part: 5 GiB.
const maxPartSize = 5 << 30

func partNumber(req *request) (int, error) {
	n, err := strconv.Atoi(req.query.Get("partNumber"))
	if err != nil {
		return 0, invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
	}
	return n, nil
}

func uploadPart(h *Handler, req *request) error {
	n, err := partNumber(req)
	if err != nil {
		return err
	}
	if req.r.ContentLength < 0 && req.body.Length() < 0 {
		return s3Err(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if req.body.Length() > maxPartSize {
		return s3Err(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	expect, err := expectFrom(req)
	if err != nil {
		return err
	}
	part, err := h.o.Objects.UploadPart(req.ctx, req.bucket, req.key, req.query.Get("uploadId"), n, req.body, expect)
	if err != nil {
		return err
	}
	req.w.Header().Set("ETag", part.ETag)
	setChecksum(req.w, part.Checksum)
	req.w.Header().Del("x-amz-checksum-type")
	req.w.WriteHeader(http.StatusOK)
	return nil
}
