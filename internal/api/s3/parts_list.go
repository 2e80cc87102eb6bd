package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
)

type partEntry struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	checksumXML
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"ListPartsResult"`
	NS                   string      `xml:"xmlns,attr"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	PartNumberMarker     int         `xml:"PartNumberMarker"`
	NextPartNumberMarker int         `xml:"NextPartNumberMarker"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
	Initiator            owner       `xml:"Initiator"`
	Owner                owner       `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
	ChecksumAlgorithm    string      `xml:"ChecksumAlgorithm,omitempty"`
}

func listParts(h *Handler, req *request) error {
	maxParts, marker := 1000, 0
	if v := req.query.Get("max-parts"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return invalidArgument("Provided max-parts not an integer or within integer range")
		}
		maxParts = min(n, 1000)
	}
	if v := req.query.Get("part-number-marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return invalidArgument("Provided part-number-marker not an integer or within integer range")
		}
		marker = n
	}
	u, parts, err := h.o.Objects.Parts(req.ctx, req.bucket, req.key, req.query.Get("uploadId"))
	if err != nil {
		return err
	}
	me := owner{ID: req.caller.AccessKeyID}
	out := listPartsResult{NS: xmlns, Bucket: req.bucket, Key: req.key, UploadID: u.ID, PartNumberMarker: marker, MaxParts: maxParts,
		Initiator: me, Owner: me, StorageClass: "STANDARD", ChecksumAlgorithm: u.ChecksumAlgorithm}
	for _, p := range parts {
		if p.Number <= marker {
			continue
		}
		if len(out.Parts) == maxParts {
			out.IsTruncated = true
			break
		}
		doc := checksumDoc(p.Checksum)
		doc.ChecksumType = ""
		out.Parts = append(out.Parts, partEntry{PartNumber: p.Number, LastModified: isoTime(p.LastModified), ETag: p.ETag, Size: p.Size, checksumXML: doc})
		out.NextPartNumberMarker = p.Number
	}
	return writeXML(req, http.StatusOK, out)
}
