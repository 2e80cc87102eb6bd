package s3

import (
	"net/http"
	"net/url"
	"strings"

	"gust/internal/objects"
)

// storedHeaders are the standard headers S3 keeps with an object and
// returns on GET and HEAD.
var storedHeaders = []string{"Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires"}

// maxMetadata is S3's limit on user metadata: 2 KB of names and values.
const maxMetadata = 2048

// objectHeaders reads the stored headers and user metadata of a write.
func objectHeaders(r *http.Request) (map[string]string, map[string]string, error) {
	headers := map[string]string{}
	for _, name := range storedHeaders {
		v := r.Header.Get(name)
		if name == "Content-Encoding" {
			// aws-chunked describes the request body, not the object.
			var kept []string
			for _, enc := range strings.Split(v, ",") {
				if enc = strings.TrimSpace(enc); enc != "" && enc != "aws-chunked" {
					kept = append(kept, enc)
				}
			}
			v = strings.Join(kept, ",")
		}
		if v != "" {
			headers[name] = v
		}
	}
	meta := map[string]string{}
	size := 0
	for name, values := range r.Header {
		lower := strings.ToLower(name)
		if k, ok := strings.CutPrefix(lower, "x-amz-meta-"); ok {
			meta[k] = strings.Join(values, ",")
			size += len(k) + len(meta[k])
		}
	}
	if size > maxMetadata {
		return nil, nil, s3Err(http.StatusBadRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.")
	}
	return headers, meta, nil
}

// tagsFrom parses x-amz-tagging ("k=v&k2=v2").
func tagsFrom(v string) ([]objects.Tag, error) {
	if v == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, invalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	var tags []objects.Tag
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, invalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		tags = append(tags, objects.Tag{Key: k, Value: vs[0]})
	}
	return tags, nil
}

// expectFrom reads what the client declared about the body it sends:
// Content-MD5, a checksum header, a trailing checksum, or only the
// algorithm to compute.
func expectFrom(req *request) (objects.Expect, error) {
	hd := req.r.Header
	e := objects.Expect{ContentMD5: hd.Get("Content-MD5")}
	for _, alg := range objects.ChecksumAlgorithms() {
		if v := hd.Get("x-amz-checksum-" + strings.ToLower(alg)); v != "" {
			if e.Algorithm != "" {
				return e, invalidArgument("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
			}
			e.Algorithm, e.Value = alg, v
		}
	}
	if t := strings.ToLower(strings.TrimSpace(hd.Get("x-amz-trailer"))); t != "" {
		alg, ok := strings.CutPrefix(t, "x-amz-checksum-")
		if !ok || !objects.ValidAlgorithm(alg) || e.Algorithm != "" {
			return e, invalidArgument("The value specified in the x-amz-trailer header is not supported")
		}
		body := req.body
		e.Algorithm = strings.ToUpper(alg)
		e.Trailer = func() string { return body.Trailer().Get(t) }
	}
	if a := hd.Get("x-amz-sdk-checksum-algorithm"); e.Algorithm == "" && a != "" {
		if !objects.ValidAlgorithm(a) {
			return e, invalidArgument("Value for x-amz-sdk-checksum-algorithm header is invalid.")
		}
		e.Algorithm = strings.ToUpper(a)
	}
	return e, nil
}

// setChecksum sets the x-amz-checksum-* response headers of c.
func setChecksum(w http.ResponseWriter, c objects.Checksum) {
	if c.Value == "" {
		return
	}
	w.Header().Set("x-amz-checksum-"+strings.ToLower(c.Algorithm), c.Value)
	w.Header().Set("x-amz-checksum-type", c.Type)
}

// checksumXML holds a checksum in a result document.
type checksumXML struct {
	CRC32        string `xml:"ChecksumCRC32,omitempty"`
	CRC32C       string `xml:"ChecksumCRC32C,omitempty"`
	CRC64NVME    string `xml:"ChecksumCRC64NVME,omitempty"`
	SHA1         string `xml:"ChecksumSHA1,omitempty"`
	SHA256       string `xml:"ChecksumSHA256,omitempty"`
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

func checksumDoc(c objects.Checksum) checksumXML {
	var x checksumXML
	switch c.Algorithm {
	case "CRC32":
		x.CRC32 = c.Value
	case "CRC32C":
		x.CRC32C = c.Value
	case "CRC64NVME":
		x.CRC64NVME = c.Value
	case "SHA1":
		x.SHA1 = c.Value
	case "SHA256":
		x.SHA256 = c.Value
	}
	if c.Value != "" {
		x.ChecksumType = c.Type
	}
	return x
}
