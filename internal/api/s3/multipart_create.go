package s3

import (
	"encoding/xml"
	"net/http"
	"strings"

	"gust/internal/objects"
)

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

func createMultipartUpload(h *Handler, req *request) error {
	headers, meta, err := objectHeaders(req.r)
	if err != nil {
		return err
	}
	tags, err := tagsFrom(req.r.Header.Get("x-amz-tagging"))
	if err != nil {
		return err
	}
	alg := strings.ToUpper(req.r.Header.Get("x-amz-checksum-algorithm"))
	if t := req.r.Header.Get("x-amz-checksum-type"); t != "" && t != "COMPOSITE" {
		return notImplemented() // FULL_OBJECT multipart checksums
	}
	u, err := h.o.Objects.CreateUpload(req.ctx, objects.Upload{Bucket: req.bucket, Key: req.key, Headers: headers, Metadata: meta, Tags: tags, ChecksumAlgorithm: alg})
	if err != nil {
		return err
	}
	if alg != "" {
		req.w.Header().Set("x-amz-checksum-algorithm", alg)
		req.w.Header().Set("x-amz-checksum-type", "COMPOSITE")
	}
	return writeXML(req, http.StatusOK, initiateResult{NS: xmlns, Bucket: req.bucket, Key: req.key, UploadID: u.ID})
}
