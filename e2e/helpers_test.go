package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"gust/internal/gusttest"
)

const testRole = "arn:aws:iam::000000000000:role/lambda-role"

// zipFile is one entry of a test zip.
type zipFile struct {
	Name string
	Body []byte
	Mode os.FileMode
}

func makeZip(t testing.TB, files ...zipFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(f.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// goBinaries holds the fixtures built so far, by package path.
var goBinaries struct {
	sync.Mutex
	built map[string][]byte
}

// goBinary builds the Go package pkg (a path under the module root) into a
// static executable, once per test binary, and returns its bytes.
func goBinary(t testing.TB, pkg string) []byte {
	t.Helper()
	goBinaries.Lock()
	defer goBinaries.Unlock()
	if body, ok := goBinaries.built[pkg]; ok {
		return body
	}
	bin := filepath.Join(t.TempDir(), "bin")
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = gusttest.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", pkg, err, out)
	}
	body, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if goBinaries.built == nil {
		goBinaries.built = map[string][]byte{}
	}
	goBinaries.built[pkg] = body
	return body
}

// goFunctionZip builds fixtures/gofn with aws-lambda-go into a provided
// runtime package (an executable named bootstrap).
func goFunctionZip(t testing.TB) []byte {
	t.Helper()
	goFnZip.Lock()
	defer goFnZip.Unlock()
	if goFnZip.zip == nil {
		goFnZip.zip = makeZip(t, zipFile{Name: "bootstrap", Body: goBinary(t, "./e2e/fixtures/gofn"), Mode: 0o755})
	}
	return goFnZip.zip
}

var goFnZip struct {
	sync.Mutex
	zip []byte
}

func bashFunctionZip(t testing.TB) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(gusttest.ModuleRoot(t), "e2e/fixtures/bashfn/bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	return makeZip(t, zipFile{Name: "bootstrap", Body: body, Mode: 0o755})
}

// createFunction creates a provided.al2023 function from zip.
func createFunction(t testing.TB, c *lambda.Client, name string, zip []byte, mutate ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionOutput {
	t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Runtime:      types.RuntimeProvidedal2023,
		Role:         aws.String(testRole),
		Handler:      aws.String("bootstrap"),
		Code:         &types.FunctionCode{ZipFile: zip},
	}
	for _, m := range mutate {
		m(in)
	}
	out, err := c.CreateFunction(gusttest.Context(t), in)
	if err != nil {
		t.Fatalf("CreateFunction %s: %v", name, err)
	}
	// A new function is Pending; like AWS's clients, wait until it is
	// Active, and hand back its state and RevisionId from then.
	active, err := lambda.NewFunctionActiveV2Waiter(c).WaitForOutput(gusttest.Context(t), &lambda.GetFunctionInput{FunctionName: aws.String(name)}, time.Minute)
	if err != nil {
		t.Fatalf("waiting for %s to be Active: %v", name, err)
	}
	out.State, out.LastUpdateStatus, out.RevisionId = active.Configuration.State, active.Configuration.LastUpdateStatus, active.Configuration.RevisionId
	out.StateReason, out.StateReasonCode = nil, ""
	return out
}

// apiErrorCode is the AWS error code of err, or "" if it is not an API error.
func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
