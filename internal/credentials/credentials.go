package credentials

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Pair is an access key id and its secret.
type Pair struct {
	AccessKeyID     string
	SecretAccessKey string
}

// FileName is the credentials file inside the data directory.
const FileName = "credentials"

// LoadOrCreate returns the pair stored in dataDir, creating and storing a new
// one when there is none. created tells which happened.
func LoadOrCreate(dataDir string) (p Pair, created bool, err error) {
	path := filepath.Join(dataDir, FileName)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		p, err = parse(b)
		if err != nil {
			return Pair{}, false, fmt.Errorf("reading %s: %w", path, err)
		}
		return p, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return Pair{}, false, fmt.Errorf("reading %s: %w", path, err)
	}
	p = Pair{AccessKeyID: "AKGU" + randomString(16, upperAlnum), SecretAccessKey: randomString(40, secretAlphabet)}
	content := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", p.AccessKeyID, p.SecretAccessKey)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Pair{}, false, fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return Pair{}, false, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return Pair{}, false, fmt.Errorf("writing %s: %w", path, err)
	}
	return p, true, nil
}

// Load reads the pair stored in dataDir, for clients on the server's
// machine; unlike LoadOrCreate it never writes.
func Load(dataDir string) (Pair, error) {
	path := filepath.Join(dataDir, FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		return Pair{}, fmt.Errorf("reading %s: %w", path, err)
	}
	p, err := parse(b)
	if err != nil {
		return Pair{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return p, nil
}

func parse(b []byte) (Pair, error) {
	var p Pair
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			p.AccessKeyID = strings.TrimSpace(v)
		case "aws_secret_access_key":
			p.SecretAccessKey = strings.TrimSpace(v)
		}
	}
	if p.AccessKeyID == "" || p.SecretAccessKey == "" {
		return Pair{}, errors.New("no aws_access_key_id and aws_secret_access_key")
	}
	return p, nil
}

const (
	upperAlnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString draws n characters uniformly from an alphabet whose size is
// a power of two, so no modulo bias creeps in.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
