package s3

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gust/internal/objects"
)

// getObject serves GetObject and HeadObject.
func getObject(h *Handler, req *request) error {
	obj, err := h.o.Objects.Head(req.ctx, req.bucket, req.key)
	if err != nil {
		return err
	}
	cond := conditionsFrom(req.r.Header, "")
	switch cond.Check(obj) {
	case http.StatusPreconditionFailed:
		return s3Err(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	case http.StatusNotModified:
		hd := req.w.Header()
		hd.Set("ETag", obj.ETag)
		hd.Set("Last-Modified", httpTime(obj.LastModified))
		req.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	offset, length, partial, err := byteRange(req.r.Header.Get("Range"), obj.Size)
	if err != nil {
		return err
	}
	if pn := req.query.Get("partNumber"); pn != "" {
		if offset, length, err = partRange(obj, pn); err != nil {
			return err
		}
		partial = obj.PartsCount() > 0
		req.w.Header().Set("x-amz-mp-parts-count", strconv.Itoa(max(obj.PartsCount(), 1)))
	}
	hd := req.w.Header()
	hd.Set("Content-Type", "binary/octet-stream")
	for name, v := range obj.Headers {
		hd.Set(name, v)
	}
	for k, v := range obj.Metadata {
		hd["x-amz-meta-"+k] = []string{v}
	}
	overrides := map[string]string{"response-content-type": "Content-Type", "response-content-language": "Content-Language",
		"response-expires": "Expires", "response-cache-control": "Cache-Control",
		"response-content-disposition": "Content-Disposition", "response-content-encoding": "Content-Encoding"}
	for q, name := range overrides {
		if v := req.query.Get(q); v != "" {
			hd.Set(name, v)
		}
	}
	hd.Set("ETag", obj.ETag)
	hd.Set("Last-Modified", httpTime(obj.LastModified))
	hd.Set("Accept-Ranges", "bytes")
	if len(obj.Tags) > 0 {
		hd.Set("x-amz-tagging-count", strconv.Itoa(len(obj.Tags)))
	}
	if strings.EqualFold(req.r.Header.Get("x-amz-checksum-mode"), "ENABLED") && !partial {
		setChecksum(req.w, obj.Checksum)
	}
	hd.Set("Content-Length", strconv.FormatInt(length, 10))
	status := http.StatusOK
	if partial {
		hd.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", offset, offset+length-1, obj.Size))
		status = http.StatusPartialContent
	}
	if req.r.Method == http.MethodHead {
		req.w.WriteHeader(status)
		return nil
	}
	body := h.o.Objects.Open(req.ctx, obj, offset, length)
	defer body.Close()
	req.w.WriteHeader(status)
	// Large writes: the object store hands out 512 KiB chunks.
	if _, err := io.CopyBuffer(req.w, body, make([]byte, max(min(length, 512<<10), 512))); err != nil {
		// The status is sent; a short body is how HTTP reports this.
		h.o.Logger.Warn("s3 GET interrupted", "bucket", req.bucket, "key", req.key, "err", err)
	}
	return nil
}

// conditionsFrom reads If-* headers (prefix "x-amz-copy-source-" for a
// copy's source).
func conditionsFrom(hd http.Header, prefix string) objects.Conditions {
	date := func(name string) time.Time {
		t, err := http.ParseTime(hd.Get(prefix + name))
		if err != nil {
			return time.Time{}
		}
		return t
	}
	return objects.Conditions{
		IfMatch: hd.Get(prefix + "If-Match"), IfNoneMatch: hd.Get(prefix + "If-None-Match"),
		IfModifiedSince: date("If-Modified-Since"), IfUnmodifiedSince: date("If-Unmodified-Since"),
	}
}

// byteRange parses a single Range ("bytes=a-b", "bytes=a-", "bytes=-n").
// Like S3 it ignores what it cannot parse (multiple ranges included) and
// serves the whole object.
func byteRange(h string, size int64) (offset, length int64, partial bool, err error) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return 0, size, false, nil
	}
	unsatisfiable := s3Err(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
	if first == "" {
		n, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil {
			return 0, size, false, nil
		}
		if n == 0 || size == 0 {
			return 0, 0, false, unsatisfiable
		}
		n = min(n, size)
		return size - n, n, true, nil
	}
	a, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil {
		return 0, size, false, nil
	}
	b := size - 1
	if last != "" {
		if b, perr = strconv.ParseInt(last, 10, 64); perr != nil || b < a {
			return 0, size, false, nil
		}
		b = min(b, size-1)
	}
	if a >= size {
		return 0, 0, false, unsatisfiable
	}
	return a, b - a + 1, true, nil
}

// partRange is the byte range of part number pn of obj.
func partRange(obj objects.Object, pn string) (int64, int64, error) {
	n, err := strconv.Atoi(pn)
	if err != nil || n < 1 || n > 10000 {
		return 0, 0, invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
	}
	if obj.PartsCount() == 0 {
		if n != 1 {
			return 0, 0, s3Err(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable")
		}
		return 0, obj.Size, nil
	}
	var off int64
	for i, p := range obj.Parts {
		if i == n-1 {
			return off, p.Size, nil
		}
		off += p.Size
	}
	return 0, 0, s3Err(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable")
}
