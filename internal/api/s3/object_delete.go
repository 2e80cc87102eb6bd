package s3

func deleteObject(h *Handler, req *request) error {
	if _, err := h.o.Objects.DeleteObject(req.ctx, req.bucket, req.key, req.origin); err != nil {
		return err
	}
	return noContent(req)
}
