package s3

import (
	"encoding/xml"
	"net/http"
)

type listBucketsResult struct {
	XMLName xml.Name       `xml:"ListAllMyBucketsResult"`
	NS      string         `xml:"xmlns,attr"`
	Owner   owner          `xml:"Owner"`
	Buckets []bucketResult `xml:"Buckets>Bucket"`
}

type bucketResult struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

func listBuckets(h *Handler, req *request) error {
	bs, err := h.o.Objects.ListBuckets(req.ctx)
	if err != nil {
		return err
	}
	out := listBucketsResult{NS: xmlns, Owner: owner{ID: req.caller.AccessKeyID}, Buckets: []bucketResult{}}
	for _, b := range bs {
		out.Buckets = append(out.Buckets, bucketResult{Name: b.Name, CreationDate: isoTime(b.Created), BucketRegion: b.Region})
	}
	return writeXML(req, http.StatusOK, out)
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
}

func createBucket(h *Handler, req *request) error {
	var cfg createBucketConfiguration
	if _, err := readXML(req.body, &cfg, false); err != nil {
		return err
	}
	if err := h.o.Objects.CreateBucket(req.ctx, req.bucket, cfg.LocationConstraint); err != nil {
		return err
	}
	req.w.Header().Set("Location", "/"+req.bucket)
	req.w.WriteHeader(http.StatusOK)
	return nil
}

func deleteBucket(h *Handler, req *request) error {
	if err := h.o.Objects.DeleteBucket(req.ctx, req.bucket); err != nil {
		return err
	}
	return noContent(req)
}

func headBucket(h *Handler, req *request) error {
	b, err := h.o.Objects.Bucket(req.ctx, req.bucket)
	if err != nil {
		return err
	}
	req.w.Header().Set("x-amz-bucket-region", b.Region)
	req.w.WriteHeader(http.StatusOK)
	return nil
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	NS      string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

func getBucketLocation(h *Handler, req *request) error {
	b, err := h.o.Objects.Bucket(req.ctx, req.bucket)
	if err != nil {
		return err
	}
	region := b.Region
	if region == "us-east-1" {
		region = "" // S3's answer for the original region
	}
	return writeXML(req, http.StatusOK, locationConstraint{NS: xmlns, Region: region})
}
