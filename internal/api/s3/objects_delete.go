package s3

import (
	"encoding/xml"
	"errors"
	"net/http"

	"gust/internal/apierror"
	"gust/internal/objects"
)

type deleteRequest struct {
	Quiet   bool `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

type deleteResult struct {
	XMLName xml.Name        `xml:"DeleteResult"`
	NS      string          `xml:"xmlns,attr"`
	Deleted []deletedObject `xml:"Deleted"`
	Errors  []deleteError   `xml:"Error"`
}

type deletedObject struct {
	Key string `xml:"Key"`
}

type deleteError struct {
	Key     string `xml:"Key"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// maxDeleteKeys is DeleteObjects' limit.
const maxDeleteKeys = 1000

func deleteObjects(h *Handler, req *request) error {
	expect, err := expectFrom(req)
	if err != nil {
		return err
	}
	if expect.ContentMD5 == "" && expect.Algorithm == "" {
		return invalidArgument("Missing required header for this request: Content-MD5 OR x-amz-checksum-*")
	}
	// The document is checked against what the client declared before it
	// is acted on.
	var in deleteRequest
	checked, err := objects.Checked(req.body, expect)
	if err != nil {
		return err
	}
	if _, err := readXML(checked, &in, true); err != nil {
		return err
	}
	if len(in.Objects) == 0 || len(in.Objects) > maxDeleteKeys {
		return malformedXML()
	}
	out := deleteResult{NS: xmlns}
	for _, o := range in.Objects {
		if _, err := h.o.Objects.DeleteObject(req.ctx, req.bucket, o.Key, req.origin); err != nil {
			var ae *apierror.Error
			if errors.As(err, &ae) && ae.HTTPStatus != 0 {
				out.Errors = append(out.Errors, deleteError{Key: o.Key, Code: ae.Type, Message: ae.Message})
				continue
			}
			return err
		}
		if !in.Quiet {
			out.Deleted = append(out.Deleted, deletedObject{Key: o.Key})
		}
	}
	return writeXML(req, http.StatusOK, out)
}
