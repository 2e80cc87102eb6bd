package sigv4

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Presign returns a presigned GET URL for rawURL valid for expires, signed
// with the given key pair for service/region, that Verify accepts (used for
// GetFunction's Code.Location).
//
// The signature is made by aws-sdk-go-v2's signer rather than by this
// package's canonicalisation, so a URL minted here is checked by an
// independent implementation of SigV4 whenever Verify accepts it. Like S3's
// presigned URLs it signs only the host header and UNSIGNED-PAYLOAD; Verify
// accepts that only for requests without a body. expires must be between one
// second and a week, and is truncated to whole seconds.
func Presign(rawURL string, accessKeyID, secret, region, service string, expires time.Duration, now time.Time) (string, error) {
	signed, err := presign(rawURL, accessKeyID, secret, region, service, expires, now)
	if err != nil {
		return "", fmt.Errorf("presigning %q: %w", rawURL, err)
	}
	return signed, nil
}

func presign(rawURL string, accessKeyID, secret, region, service string, expires time.Duration, now time.Time) (string, error) {
	switch {
	case accessKeyID == "" || secret == "":
		return "", errors.New("access key id and secret are required")
	case !validRegion(region):
		return "", fmt.Errorf("invalid region %q", region)
	case service == "":
		return "", errors.New("service is required")
	case expires < time.Second || expires > maxExpires:
		return "", fmt.Errorf("expiry %s is outside [1s, %s]", expires, maxExpires)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parsing URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("URL must be absolute http or https")
	}
	// u.Query() would silently drop pairs it cannot decode, presigning a
	// different URL from the one asked for.
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("parsing query: %w", err)
	}
	for _, name := range []string{qAlgorithm, qCredential, qDate, qExpires, qSignedHeaders, qSignature} {
		if q.Has(name) {
			return "", fmt.Errorf("URL already carries %s", name)
		}
	}
	q.Set(qExpires, strconv.FormatInt(int64(expires/time.Second), 10))
	u.RawQuery = q.Encode()

	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return "", fmt.Errorf("building request: %w", err)
	}
	creds := aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secret}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, unsignedPayload, service, region, now.UTC())
	if err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}
	return signed, nil
}
