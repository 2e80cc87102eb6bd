package topics

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"gust/internal/store"
)

// signer signs notifications with Gust's SNS key.
type signer struct {
	key      *rsa.PrivateKey
	certPEM  []byte
	certPath string
}

const signingKey = "signing.key"

type storedKey struct {
	Key  []byte
	Cert []byte
}

// signing returns the signer, generating and storing the key pair on first
// use; every node shares the stored one.
func (s *Service) signing(ctx context.Context) (*signer, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.signer != nil {
		return s.signer, nil
	}
	for attempt := 0; attempt < 3; attempt++ {
		rec, err := s.o.Topics.Get(ctx, signingKey)
		if err == nil {
			sg, err := loadSigner(rec.Value)
			if err != nil {
				return nil, err
			}
			s.signer = sg
			return sg, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("reading the SNS signing key: %w", err)
		}
		b, err := generateKey(s.o.Region, s.o.Now())
		if err != nil {
			return nil, err
		}
		if _, err := s.o.Topics.Create(ctx, signingKey, b); err != nil && !errors.Is(err, store.ErrExists) {
			return nil, fmt.Errorf("storing the SNS signing key: %w", err)
		}
	}
	return nil, errors.New("storing the SNS signing key: lost every race")
}

func generateKey(region string, now time.Time) ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the SNS signing key: %w", err)
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "sns." + region + ".amazonaws.com", Organization: []string{"Gust"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(20, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     []string{"sns." + region + ".amazonaws.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certifying the SNS signing key: %w", err)
	}
	return json.Marshal(storedKey{
		Key:  pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		Cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	})
}

func loadSigner(b []byte) (*signer, error) {
	var sk storedKey
	if err := json.Unmarshal(b, &sk); err != nil {
		return nil, fmt.Errorf("decoding the SNS signing key: %w", err)
	}
	block, _ := pem.Decode(sk.Key)
	if block == nil {
		return nil, errors.New("decoding the SNS signing key: no PEM block")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("decoding the SNS signing key: %w", err)
	}
	sum := sha256.Sum256(sk.Cert)
	return &signer{key: key, certPEM: sk.Cert, certPath: "/SimpleNotificationService-" + hex.EncodeToString(sum[:16]) + ".pem"}, nil
}

// Certificate returns the PEM certificate served at path, if path is the
// signing certificate's.
func (s *Service) Certificate(ctx context.Context, path string) ([]byte, bool, error) {
	sg, err := s.signing(ctx)
	if err != nil {
		return nil, false, err
	}
	return sg.certPEM, path == sg.certPath, nil
}

// IsCertificatePath reports whether path looks like a signing
// certificate's.
func IsCertificatePath(path string) bool {
	return strings.HasPrefix(path, "/SimpleNotificationService-") && strings.HasSuffix(path, ".pem")
}

// sign returns the signature of the fields SNS signs, in the order it signs
// them, with SignatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA).
func (sg *signer) sign(version string, fields [][2]string) (string, error) {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0])
		b.WriteByte('\n')
		b.WriteString(f[1])
		b.WriteByte('\n')
	}
	var sig []byte
	var err error
	if version == "2" {
		sum := sha256.Sum256([]byte(b.String()))
		sig, err = rsa.SignPKCS1v15(rand.Reader, sg.key, crypto.SHA256, sum[:])
	} else {
		sum := sha1.Sum([]byte(b.String()))
		sig, err = rsa.SignPKCS1v15(rand.Reader, sg.key, crypto.SHA1, sum[:])
	}
	if err != nil {
		return "", fmt.Errorf("signing a notification: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
