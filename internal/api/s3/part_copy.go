package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
)

type copyPartResult struct {
	XMLName      xml.Name `xml:"CopyPartResult"`
	NS           string   `xml:"xmlns,attr"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	checksumXML
}

func uploadPartCopy(h *Handler, req *request) error {
	n, err := partNumber(req)
	if err != nil {
		return err
	}
	srcBucket, srcKey, err := copySource(req.r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return err
	}
	first, last := int64(-1), int64(-1)
	if r := req.r.Header.Get("x-amz-copy-source-range"); r != "" {
		spec, ok := strings.CutPrefix(r, "bytes=")
		a, b, ok2 := strings.Cut(spec, "-")
		var e1, e2 error
		first, e1 = strconv.ParseInt(a, 10, 64)
		last, e2 = strconv.ParseInt(b, 10, 64)
		if !ok || !ok2 || e1 != nil || e2 != nil {
			return invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
		}
	}
	part, err := h.o.Objects.UploadPartCopy(req.ctx, req.bucket, req.key, req.query.Get("uploadId"), n,
		srcBucket, srcKey, conditionsFrom(req.r.Header, "x-amz-copy-source-"), first, last)
	if err != nil {
		return err
	}
	doc := checksumDoc(part.Checksum)
	doc.ChecksumType = ""
	return writeXML(req, http.StatusOK, copyPartResult{NS: xmlns, ETag: part.ETag, LastModified: isoTime(part.LastModified), checksumXML: doc})
}
