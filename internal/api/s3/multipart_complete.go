package s3

import (
	"encoding/xml"
	"net/http"

	"gust/internal/objects"
)

type completeRequest struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
		checksumXML
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	checksumXML
}

func completeMultipartUpload(h *Handler, req *request) error {
	var in completeRequest
	if _, err := readXML(req.body, &in, true); err != nil {
		return err
	}
	list := make([]objects.CompletedPart, 0, len(in.Parts))
	for _, p := range in.Parts {
		c := p.checksumXML
		sum := c.CRC32 + c.CRC32C + c.CRC64NVME + c.SHA1 + c.SHA256 // at most one is set
		list = append(list, objects.CompletedPart{Number: p.PartNumber, ETag: p.ETag, Checksum: sum})
	}
	obj, err := h.o.Objects.CompleteUpload(req.ctx, req.bucket, req.key, req.query.Get("uploadId"), list, req.origin)
	if err != nil {
		return err
	}
	location := "http://" + req.r.Host + "/" + req.bucket + "/" + req.key
	return writeXML(req, http.StatusOK, completeResult{NS: xmlns, Location: location, Bucket: req.bucket, Key: req.key, ETag: obj.ETag, checksumXML: checksumDoc(obj.Checksum)})
}

func abortMultipartUpload(h *Handler, req *request) error {
	if err := h.o.Objects.AbortUpload(req.ctx, req.bucket, req.key, req.query.Get("uploadId")); err != nil {
		return err
	}
	return noContent(req)
}
