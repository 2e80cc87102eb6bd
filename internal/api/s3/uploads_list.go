package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
)

type uploadEntry struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	Initiator    owner  `xml:"Initiator"`
	Owner        owner  `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}

type listUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	NS                 string         `xml:"xmlns,attr"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Prefix             string         `xml:"Prefix"`
	MaxUploads         int            `xml:"MaxUploads"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []uploadEntry  `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

func listMultipartUploads(h *Handler, req *request) error {
	maxUploads := 1000
	if v := req.query.Get("max-uploads"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return invalidArgument("Provided max-uploads not an integer or within integer range")
		}
		maxUploads = min(n, 1000)
	}
	keyMarker := req.query.Get("key-marker")
	ups, err := h.o.Objects.Uploads(req.ctx, req.bucket, req.query.Get("prefix"))
	if err != nil {
		return err
	}
	me := owner{ID: req.caller.AccessKeyID}
	out := listUploadsResult{NS: xmlns, Bucket: req.bucket, KeyMarker: keyMarker, Prefix: req.query.Get("prefix"), MaxUploads: maxUploads}
	for _, u := range ups {
		if u.Key <= keyMarker {
			continue
		}
		if len(out.Uploads) == maxUploads {
			out.IsTruncated = true
			break
		}
		out.Uploads = append(out.Uploads, uploadEntry{Key: u.Key, UploadID: u.ID, Initiator: me, Owner: me, StorageClass: "STANDARD", Initiated: isoTime(u.Initiated)})
		out.NextKeyMarker, out.NextUploadIDMarker = u.Key, u.ID
	}
	return writeXML(req, http.StatusOK, out)
}
