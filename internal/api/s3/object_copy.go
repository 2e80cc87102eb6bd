package s3

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"gust/internal/objects"
)

type copyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	NS           string   `xml:"xmlns,attr"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
	checksumXML
}

// copySource parses x-amz-copy-source ("bucket/key" or "/bucket/key",
// URL-encoded, optionally "?versionId=").
func copySource(v string) (bucket, key string, err error) {
	v, version, _ := strings.Cut(v, "?")
	if version != "" && version != "versionId=null" {
		return "", "", notImplemented()
	}
	dec, derr := url.PathUnescape(v)
	if derr != nil {
		return "", "", invalidArgument("Invalid copy source encoding")
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(dec, "/"), "/")
	if bucket == "" || key == "" {
		return "", "", invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	}
	return bucket, key, nil
}

func copyObject(h *Handler, req *request) error {
	srcBucket, srcKey, err := copySource(req.r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return err
	}
	in := objects.CopyInput{
		SrcBucket: srcBucket, SrcKey: srcKey, Bucket: req.bucket, Key: req.key,
		Conditions: conditionsFrom(req.r.Header, "x-amz-copy-source-"), Origin: req.origin,
		ChecksumAlgorithm: strings.ToUpper(req.r.Header.Get("x-amz-checksum-algorithm")),
	}
	switch d := req.r.Header.Get("x-amz-metadata-directive"); d {
	case "", "COPY":
	case "REPLACE":
		in.ReplaceMetadata = true
		if in.Headers, in.Metadata, err = objectHeaders(req.r); err != nil {
			return err
		}
	default:
		return invalidArgument("Unknown metadata directive.")
	}
	switch d := req.r.Header.Get("x-amz-tagging-directive"); d {
	case "", "COPY":
	case "REPLACE":
		in.ReplaceTags = true
		if in.Tags, err = tagsFrom(req.r.Header.Get("x-amz-tagging")); err != nil {
			return err
		}
	default:
		return invalidArgument("Unknown tagging directive.")
	}
	obj, err := h.o.Objects.CopyObject(req.ctx, in)
	if err != nil {
		return err
	}
	return writeXML(req, http.StatusOK, copyObjectResult{NS: xmlns, ETag: obj.ETag, LastModified: isoTime(obj.LastModified), checksumXML: checksumDoc(obj.Checksum)})
}
