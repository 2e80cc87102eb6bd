package control

import (
	"context"
	"errors"

	"gust/internal/apierror"
)

// CodeObjects reads a deployment package stored in an S3 bucket (package
// objects), at most limit bytes.
type CodeObjects interface {
	ReadObject(ctx context.Context, bucket, key string, limit int64) ([]byte, error)
}

// codeFromS3 fills c.ZipFile from Code.S3Bucket/S3Key, as Lambda copies a
// package out of S3 when the function is created or updated. Versioning is
// not offered, so S3ObjectVersion can only name the one version there is.
func (s *Service) codeFromS3(ctx context.Context, c *FunctionCode) error {
	if c.S3Bucket == "" && c.S3Key == "" && c.S3ObjectVersion == "" {
		return nil
	}
	if len(c.ZipFile) > 0 {
		return nil // errCodeSource refuses two sources
	}
	if s.s3 == nil {
		return apierror.InvalidParameter("Code.S3Bucket is not available on this server: upload the deployment package as ZipFile.")
	}
	if c.S3Bucket == "" || c.S3Key == "" {
		return apierror.InvalidParameter("Please provide both S3Bucket and S3Key.")
	}
	if c.S3ObjectVersion != "" && c.S3ObjectVersion != "null" {
		return apierror.InvalidParameter("Error occurred while GetObject. S3 Error Code: NoSuchVersion. S3 Error Message: The specified version does not exist.")
	}
	zip, err := s.s3.ReadObject(ctx, c.S3Bucket, c.S3Key, MaxZipBytes+1)
	var ae *apierror.Error
	if errors.As(err, &ae) && ae.HTTPStatus != 0 {
		return apierror.InvalidParameter("Error occurred while GetObject. S3 Error Code: %s. S3 Error Message: %s", ae.Type, ae.Message)
	}
	if err != nil {
		return err
	}
	// From here on the package is the one source.
	*c = FunctionCode{ZipFile: zip}
	return nil
}
