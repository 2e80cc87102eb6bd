package s3

import (
	"encoding/xml"
	"net/http"

	"gust/internal/objects"
)

type tagging struct {
	XMLName xml.Name      `xml:"Tagging"`
	NS      string        `xml:"xmlns,attr,omitempty"`
	Tags    []objects.Tag `xml:"TagSet>Tag"`
}

func readTagging(req *request) ([]objects.Tag, error) {
	var in tagging
	expect, err := expectFrom(req)
	if err != nil {
		return nil, err
	}
	body, err := objects.Checked(req.body, expect)
	if err != nil {
		return nil, err
	}
	if _, err := readXML(body, &in, true); err != nil {
		return nil, err
	}
	return in.Tags, nil
}

func putObjectTagging(h *Handler, req *request) error {
	tags, err := readTagging(req)
	if err != nil {
		return err
	}
	if err := h.o.Objects.PutObjectTagging(req.ctx, req.bucket, req.key, tags); err != nil {
		return err
	}
	req.w.WriteHeader(http.StatusOK)
	return nil
}

func getObjectTagging(h *Handler, req *request) error {
	tags, err := h.o.Objects.GetObjectTagging(req.ctx, req.bucket, req.key)
	if err != nil {
		return err
	}
	return writeXML(req, http.StatusOK, tagging{NS: xmlns, Tags: append([]objects.Tag{}, tags...)})
}

func deleteObjectTagging(h *Handler, req *request) error {
	if err := h.o.Objects.PutObjectTagging(req.ctx, req.bucket, req.key, nil); err != nil {
		return err
	}
	return noContent(req)
}

func putBucketTagging(h *Handler, req *request) error {
	tags, err := readTagging(req)
	if err != nil {
		return err
	}
	if err := h.o.Objects.PutBucketTagging(req.ctx, req.bucket, tags); err != nil {
		return err
	}
	return noContent(req)
}

func getBucketTagging(h *Handler, req *request) error {
	tags, err := h.o.Objects.GetBucketTagging(req.ctx, req.bucket)
	if err != nil {
		return err
	}
	return writeXML(req, http.StatusOK, tagging{NS: xmlns, Tags: tags})
}

func deleteBucketTagging(h *Handler, req *request) error {
	if err := h.o.Objects.PutBucketTagging(req.ctx, req.bucket, nil); err != nil {
		return err
	}
	return noContent(req)
}
