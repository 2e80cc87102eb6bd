package s3

import (
	"encoding/xml"
	"errors"
	"net/http"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
)

// errorBody is S3's error document.
type errorBody struct {
	XMLName           xml.Name `xml:"Error"`
	Code              string   `xml:"Code"`
	Message           string   `xml:"Message"`
	BucketName        string   `xml:"BucketName,omitempty"`
	Key               string   `xml:"Key,omitempty"`
	UploadID          string   `xml:"UploadId,omitempty"`
	AWSAccessKeyID    string   `xml:"AWSAccessKeyId,omitempty"`
	StringToSign      string   `xml:"StringToSign,omitempty"`
	SignatureProvided string   `xml:"SignatureProvided,omitempty"`
	CanonicalRequest  string   `xml:"CanonicalRequest,omitempty"`
	Resource          string   `xml:"Resource,omitempty"`
	RequestID         string   `xml:"RequestId"`
	HostID            string   `xml:"HostId"`
}

func s3Err(status int, code, format string, args ...any) *apierror.Error {
	return apierror.New(code, format, args...).WithStatus(status)
}

func notImplemented() error {
	return s3Err(http.StatusNotImplemented, "NotImplemented", "A header you provided implies functionality that is not implemented")
}

func malformedXML() error {
	return s3Err(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema")
}

func invalidArgument(format string, args ...any) error {
	return s3Err(http.StatusBadRequest, "InvalidArgument", format, args...)
}

// writeError renders err as S3 does; a HEAD answer carries no body.
func (h *Handler) writeError(req *request, err error) {
	body := errorBody{RequestID: req.id, HostID: hostID, Resource: req.r.URL.Path}
	status := http.StatusInternalServerError
	var (
		se     *sigv4.Error
		ae     *apierror.Error
		denied *authz.Denied
	)
	switch {
	case errors.As(err, &se):
		status, body.Code, body.Message = s3AuthError(se, req.r.Header.Get("Authorization") == "")
		if m := se.Mismatch; m != nil && body.Code == "SignatureDoesNotMatch" {
			body.AWSAccessKeyID, body.StringToSign, body.SignatureProvided, body.CanonicalRequest =
				m.AccessKeyID, m.StringToSign, m.SignatureProvided, m.CanonicalRequest
		}
	case errors.As(err, &denied):
		status, body.Code, body.Message = http.StatusForbidden, "AccessDenied", denied.Error()
	case errors.As(err, &ae) && ae.HTTPStatus != 0:
		status, body.Code, body.Message = ae.Status(), ae.Type, ae.Message
	default:
		h.o.Logger.Error("s3 request failed", "method", req.r.Method, "path", req.r.URL.Path, "err", err)
		body.Code, body.Message = "InternalError", "We encountered an internal error. Please try again."
	}
	switch body.Code {
	case "NoSuchBucket", "BucketNotEmpty", "BucketAlreadyOwnedByYou", "InvalidBucketName":
		body.BucketName = req.bucket
	case "NoSuchKey":
		body.Key = req.key
	case "NoSuchUpload":
		body.UploadID = req.query.Get("uploadId")
	}
	if body.BucketName != "" || body.Key != "" || body.UploadID != "" {
		body.Resource = ""
	}
	if req.body != nil {
		drain(req)
	}
	hd := req.w.Header()
	hd.Set("Content-Type", "application/xml")
	if req.r.Method == http.MethodHead {
		req.w.WriteHeader(status)
		return
	}
	out, _ := xml.Marshal(body)
	req.w.WriteHeader(status)
	_, _ = req.w.Write([]byte(xml.Header))
	_, _ = req.w.Write(out)
}

// s3AuthError maps an authentication failure to S3's code and message.
func s3AuthError(e *sigv4.Error, presigned bool) (int, string, string) {
	switch e.Code {
	case sigv4.CodeMissingAuthenticationToken:
		return http.StatusForbidden, "AccessDenied", "Access Denied"
	case sigv4.CodeUnrecognizedClient:
		return http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
	case sigv4.CodeAccessDenied:
		return http.StatusForbidden, "AccessDenied", e.Message
	case sigv4.CodeIncompleteSignature:
		if presigned {
			return http.StatusBadRequest, "AuthorizationQueryParametersError", e.Message
		}
		return http.StatusBadRequest, "AuthorizationHeaderMalformed", e.Message
	case sigv4.CodeInvalidSignature:
		if e.Skewed {
			return http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."
		}
		if e.Mismatch == nil { // a credential scope that is well formed but wrong
			return http.StatusBadRequest, "AuthorizationHeaderMalformed", e.Message
		}
		return http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method."
	case sigv4.CodeMissingContentSHA256:
		return http.StatusBadRequest, "InvalidRequest", e.Message
	case sigv4.CodeInvalidContentSHA256:
		return http.StatusBadRequest, "InvalidArgument", e.Message
	case sigv4.CodeContentSHA256Mismatch:
		return http.StatusBadRequest, "XAmzContentSHA256Mismatch", e.Message
	case sigv4.CodeIncompleteBody:
		return http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header."
	}
	return e.StatusCode, e.Code, e.Message
}
