package s3

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"

	"gust/internal/objects"
)

type listEntry struct {
	Key               string `xml:"Key"`
	LastModified      string `xml:"LastModified"`
	ETag              string `xml:"ETag"`
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
	Size              int64  `xml:"Size"`
	Owner             *owner `xml:"Owner,omitempty"`
	StorageClass      string `xml:"StorageClass"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// listParams reads the parameters both list versions share.
func listParams(req *request) (objects.ListInput, bool, error) {
	in := objects.ListInput{Bucket: req.bucket, Prefix: req.query.Get("prefix"), Delimiter: req.query.Get("delimiter"), MaxKeys: 1000}
	if v := req.query.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return in, false, invalidArgument("Provided max-keys not an integer or within integer range")
		}
		in.MaxKeys = min(n, 1000)
	}
	encode := false
	switch req.query.Get("encoding-type") {
	case "":
	case "url":
		encode = true
	default:
		return in, false, invalidArgument("Invalid Encoding Method specified in Request")
	}
	return in, encode, nil
}

// encoder URL-encodes keys in listings when the client asked
// (encoding-type=url, which the AWS CLI always sends).
func encoder(on bool) func(string) string {
	if !on {
		return func(s string) string { return s }
	}
	return url.QueryEscape
}

func entries(objs []objects.Object, enc func(string) string, withOwner *owner) []listEntry {
	out := make([]listEntry, 0, len(objs))
	for _, o := range objs {
		out = append(out, listEntry{Key: enc(o.Key), LastModified: isoTime(o.LastModified), ETag: o.ETag, Size: o.Size,
			ChecksumAlgorithm: o.Checksum.Algorithm, ChecksumType: o.Checksum.Type, StorageClass: "STANDARD", Owner: withOwner})
	}
	return out
}

func prefixes(ps []string, enc func(string) string) []commonPrefix {
	var out []commonPrefix
	for _, p := range ps {
		out = append(out, commonPrefix{Prefix: enc(p)})
	}
	return out
}

type listV2Result struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	NS                    string         `xml:"xmlns,attr"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	MaxKeys               int            `xml:"MaxKeys"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	KeyCount              int            `xml:"KeyCount"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	Contents              []listEntry    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

func listObjectsV2(h *Handler, req *request) error {
	in, encode, err := listParams(req)
	if err != nil {
		return err
	}
	token := req.query.Get("continuation-token")
	in.After = req.query.Get("start-after")
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return invalidArgument("The continuation token provided is incorrect")
		}
		in.After = string(after)
	}
	out, err := h.o.Objects.List(req.ctx, in)
	if err != nil {
		return err
	}
	enc := encoder(encode)
	var fetchOwner *owner
	if req.query.Get("fetch-owner") == "true" {
		fetchOwner = &owner{ID: req.caller.AccessKeyID}
	}
	res := listV2Result{
		NS: xmlns, Name: req.bucket, Prefix: enc(in.Prefix), Delimiter: enc(in.Delimiter), MaxKeys: in.MaxKeys,
		KeyCount: len(out.Objects) + len(out.CommonPrefixes), IsTruncated: out.Truncated, ContinuationToken: token,
		StartAfter: enc(req.query.Get("start-after")), Contents: entries(out.Objects, enc, fetchOwner), CommonPrefixes: prefixes(out.CommonPrefixes, enc),
	}
	if encode {
		res.EncodingType = "url"
	}
	if out.Truncated {
		res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Last))
	}
	return writeXML(req, http.StatusOK, res)
}

type listV1Result struct {
	XMLName        xml.Name       `xml:"ListBucketResult"`
	NS             string         `xml:"xmlns,attr"`
	Name           string         `xml:"Name"`
	Prefix         string         `xml:"Prefix"`
	Marker         string         `xml:"Marker"`
	NextMarker     string         `xml:"NextMarker,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	Contents       []listEntry    `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
}

func listObjects(h *Handler, req *request) error {
	in, encode, err := listParams(req)
	if err != nil {
		return err
	}
	in.After = req.query.Get("marker")
	out, err := h.o.Objects.List(req.ctx, in)
	if err != nil {
		return err
	}
	enc := encoder(encode)
	res := listV1Result{
		NS: xmlns, Name: req.bucket, Prefix: enc(in.Prefix), Marker: enc(in.After), MaxKeys: in.MaxKeys, Delimiter: enc(in.Delimiter),
		IsTruncated: out.Truncated, Contents: entries(out.Objects, enc, &owner{ID: req.caller.AccessKeyID}), CommonPrefixes: prefixes(out.CommonPrefixes, enc),
	}
	if encode {
		res.EncodingType = "url"
	}
	if out.Truncated && in.Delimiter != "" {
		res.NextMarker = enc(out.Last)
	}
	return writeXML(req, http.StatusOK, res)
}
