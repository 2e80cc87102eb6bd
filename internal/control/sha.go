package control

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CodeSha256Base64 is the package hash as Lambda shows it: base64 of the
// raw SHA-256, where the store keys by hex.
func CodeSha256Base64(hexSum string) string {
	raw, err := hex.DecodeString(hexSum)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(raw)
}
