package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"gust/internal/credentials"
)

// health is what GET /health says about a Gust server (see runServer):
// whether it is one, and its region.
type health struct {
	Status  string `json:"status"`
	Service string `json:"service"`
	Region  string `json:"region"`
}

// notGustError says the endpoint answered, but not as Gust.
type notGustError struct {
	endpoint, why string
}

func (e *notGustError) Error() string {
	return fmt.Sprintf("%s does not look like a Gust server (%s): set AWS_ENDPOINT_URL to the address `gust server` printed (\"Gust is listening on ...\")", e.endpoint, e.why)
}

// unreachableError says nothing answers at the endpoint.
type unreachableError struct {
	endpoint string
	err      error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("cannot reach Gust at %s: is `gust server` running? (set AWS_ENDPOINT_URL to its address)\n  %v", e.endpoint, e.err)
}

func (e *unreachableError) Unwrap() error { return e.err }

// probe asks the endpoint's /health who it is, before any signed call, so
// that a server that is not running, or is not Gust, is said to be so
// instead of surfacing as an SDK error.
func probe(ctx context.Context, endpoint string) (health, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/")+"/health", nil)
	if err != nil {
		return health{}, &notGustError{endpoint: endpoint, why: err.Error()}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var netErr *net.OpError
		var dnsErr *net.DNSError
		if errors.As(err, &netErr) || errors.As(err, &dnsErr) || errors.Is(err, context.DeadlineExceeded) {
			return health{}, &unreachableError{endpoint: endpoint, err: err}
		}
		return health{}, &notGustError{endpoint: endpoint, why: err.Error()}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var h health
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &h) != nil || h.Service != "gust" {
		return health{}, &notGustError{endpoint: endpoint, why: fmt.Sprintf("GET /health answered %s %q", resp.Status, firstLine(body))}
	}
	return h, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}

// regionError says the client's region is not the server's: Gust serves
// one region, and a request scoped to another is refused.
func regionError(endpoint, server, client string) error {
	return fmt.Errorf("the Gust server at %s serves region %s, but your AWS configuration (AWS_REGION, AWS_DEFAULT_REGION or the profile's region) says %s:\n  export AWS_REGION=%s", endpoint, server, client, server)
}

// isLocal reports whether the endpoint's host is this machine: a loopback
// name or address, or one of this machine's addresses.
func isLocal(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() || ip.IsUnspecified() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}

// serverDataDir is where a server on this machine keeps its credentials
// file: $GUST_DATA_DIR, else the server's default, ./gust-data.
func serverDataDir() string {
	if d := os.Getenv("GUST_DATA_DIR"); d != "" {
		return d
	}
	return "gust-data"
}

// localCredentials are the credentials of the server on this machine, read
// from its credentials file when this user may read it; otherwise the
// error says what to do.
func localCredentials(endpoint string) (aws.CredentialsProvider, string, error) {
	path := filepath.Join(serverDataDir(), credentials.FileName)
	p, err := credentials.Load(serverDataDir())
	if err == nil {
		return aws.NewCredentialsCache(staticProvider(p)), path, nil
	}
	advice := fmt.Sprintf("no AWS credentials are set, and Gust at %s runs on this machine. Paste the export lines `gust server` printed at start:\n"+
		"  export AWS_ACCESS_KEY_ID=...\n  export AWS_SECRET_ACCESS_KEY=...\n", endpoint)
	switch {
	case errors.Is(err, fs.ErrPermission):
		advice += fmt.Sprintf("or let gust read the server's credentials file %s: you may not read it (%v); run gust as the server's user, or copy the pair from it with sudo", path, err)
	case errors.Is(err, fs.ErrNotExist):
		advice += fmt.Sprintf("or run gust where it finds the server's credentials file (%s is missing: set GUST_DATA_DIR to the server's --data-dir)", path)
	default:
		advice += fmt.Sprintf("(the server's credentials file could not be used: %v)", err)
	}
	return nil, "", errors.New(advice)
}

type staticProvider credentials.Pair

func (p staticProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey, Source: "gust server credentials file"}, nil
}

// remoteNoCredentials is the advice when the server is elsewhere.
func remoteNoCredentials(endpoint string) error {
	return fmt.Errorf("no AWS credentials are set: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) with a key pair of the Gust server at %s (the server prints its own at start)", endpoint)
}
