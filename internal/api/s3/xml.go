package s3

import (
	"encoding/xml"
	"io"
	"net/http"
	"time"
)

// xmlns is S3's document namespace.
const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"

// maxXMLBody bounds a request document (DeleteObjects' 1000 keys and
// CompleteMultipartUpload's 10000 parts fit).
const maxXMLBody = 4 << 20

// writeXML answers status with v as the document.
func writeXML(req *request, status int, v any) error {
	out, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	req.w.Header().Set("Content-Type", "application/xml")
	req.w.WriteHeader(status)
	_, _ = req.w.Write([]byte(xml.Header))
	_, _ = req.w.Write(out)
	return nil
}

// readXML decodes the request document into v; an empty body is an
// error only when required.
func readXML(body io.Reader, v any, required bool) (bool, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxXMLBody+1))
	if err != nil {
		return false, err
	}
	if len(b) > maxXMLBody {
		return false, s3Err(http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.")
	}
	if len(b) == 0 {
		if required {
			return false, s3Err(http.StatusBadRequest, "MissingRequestBodyError", "Request Body is empty")
		}
		return false, nil
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return false, malformedXML()
	}
	return true, nil
}

// drain reads what is left of a body so the connection can be reused.
func drain(req *request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(req.body, 1<<20))
}

// isoTime is S3's timestamp in XML documents.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// httpTime is S3's timestamp in headers.
func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// owner is the account as S3 names owners.
type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// noContent answers 204.
func noContent(req *request) error {
	req.w.WriteHeader(http.StatusNoContent)
	return nil
}
