package sigv4

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// awsChunkedExample is the worked example of S3's documentation
// ("Signature Calculations for the Authorization Header: Transferring
// Payload in Multiple Chunks"): 65 KiB of 'a' in a 64 KiB and a 1 KiB
// chunk, with AWS's own seed and chunk signatures.
func awsChunkedExample(body string) *http.Request {
	r := httptest.NewRequest("PUT", "/examplebucket/chunkObject.txt", strings.NewReader(body))
	r.Host = "s3.amazonaws.com"
	r.ContentLength = 66824
	for k, v := range map[string]string{
		"X-Amz-Date":                   "20130524T000000Z",
		"X-Amz-Storage-Class":          "REDUCED_REDUNDANCY",
		"X-Amz-Content-Sha256":         StreamingSigned,
		"Content-Encoding":             "aws-chunked",
		"X-Amz-Decoded-Content-Length": "66560",
		"Content-Length":               "66824",
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
			"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class," +
			"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
	} {
		r.Header.Set(k, v)
	}
	return r
}

func exampleVerifier() *Verifier {
	return &Verifier{
		Lookup: func(id string) (string, bool) {
			return "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", id == "AKIAIOSFODNN7EXAMPLE"
		},
		Now: func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) },
	}
}

const (
	chunk1 = "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
	chunk2 = "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"
	final  = "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
)

func TestVerifyS3SignedChunksAWSExample(t *testing.T) {
	a1, a2 := strings.Repeat("a", 65536), strings.Repeat("a", 1024)
	body := chunk1 + a1 + "\r\n" + chunk2 + a2 + "\r\n" + final
	_, p, err := exampleVerifier().VerifyS3(awsChunkedExample(body))
	if err != nil {
		t.Fatalf("AWS's seed signature refused: %v", err)
	}
	got, err := io.ReadAll(p)
	if err != nil {
		t.Fatalf("AWS's chunk signatures refused: %v", err)
	}
	if string(got) != a1+a2 || p.Length() != 66560 {
		t.Errorf("decoded %d bytes (length %d), want 66560 of 'a'", len(got), p.Length())
	}

	// One byte changed in the second chunk: its signature no longer holds.
	tampered := chunk1 + a1 + "\r\n" + chunk2 + "b" + a2[1:] + "\r\n" + final
	_, p, err = exampleVerifier().VerifyS3(awsChunkedExample(tampered))
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(p)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidSignature || e.Mismatch == nil {
		t.Errorf("tampered chunk: %v", err)
	}

	// A body cut short, or a chunk whose size lies.
	for name, b := range map[string]string{
		"truncated":  chunk1 + a1[:100],
		"no final":   chunk1 + a1 + "\r\n" + chunk2 + a2 + "\r\n",
		"bad size":   "zz;chunk-signature=00\r\n",
		"no sig":     "10000\r\n" + a1 + "\r\n",
		"huge line":  strings.Repeat("1", 70000),
		"short data": strings.Replace(chunk1, "10000", "ffff", 1) + a1 + "\r\n" + chunk2 + a2 + "\r\n" + final,
	} {
		_, p, err := exampleVerifier().VerifyS3(awsChunkedExample(b))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestVerifyS3UnsignedTrailer(t *testing.T) {
	v := verifierAt(testNow)
	r := httptest.NewRequest("PUT", "/b/k", strings.NewReader("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"))
	r.Header.Set("X-Amz-Content-Sha256", StreamingUnsignedTrailer)
	r.Header.Set("X-Amz-Decoded-Content-Length", "5")
	r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	signSDK(t, r, StreamingUnsignedTrailer, testCreds(), "s3", testNow, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	_, p, err := v.VerifyS3(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(p)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read %q, %v", got, err)
	}
	if c := p.Trailer().Get("x-amz-checksum-crc32"); c != "NhCmhg==" {
		t.Errorf("trailer checksum %q", c)
	}
}
