package golden

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The credentials and region golden tests sign with; a server under test
// looks the key up with Lookup.
const (
	KeyID   = "AKIDEXAMPLE"
	Secret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	Region  = "us-east-1"
	Account = "123456789012"
)

// Lookup is a sigv4.Lookup that knows KeyID.
func Lookup(id string) (string, bool) { return Secret, id == KeyID }

// Sign signs req, whose body is body, for service with SigV4, as AWS's
// SDKs do.
func Sign(req *http.Request, body []byte, service string) error {
	sum := sha256.Sum256(body)
	return v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: KeyID, SecretAccessKey: Secret},
		req, hex.EncodeToString(sum[:]), service, Region, time.Now())
}
