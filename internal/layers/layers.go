package layers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/codezip"
	"gust/internal/store"
)

// Records is the layers table: a key-value bucket with compare-and-swap
// (a *store.Table).
type Records interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// CodeStore keeps packages by SHA-256 (the store functions use).
type CodeStore interface {
	PutCode(ctx context.Context, data []byte) (string, error)
	GetCode(ctx context.Context, sha256hex string) ([]byte, error)
}

// CodeObjects reads a package stored in an S3 bucket, at most limit bytes.
type CodeObjects interface {
	ReadObject(ctx context.Context, bucket, key string, limit int64) ([]byte, error)
}

// Options wires a Service.
type Options struct {
	Table     Records
	Code      CodeStore
	S3        CodeObjects // optional: nil refuses Content.S3Bucket
	Region    string
	AccountID string
	Logger    *slog.Logger
	Now       func() time.Time // nil = time.Now
}

// Service manages layers.
type Service struct {
	table   Records
	code    CodeStore
	s3      CodeObjects
	region  string
	account string
	log     *slog.Logger
	now     func() time.Time
}

// New returns a Service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{table: o.Table, code: o.Code, s3: o.S3, region: o.Region, account: o.AccountID, log: o.Logger, now: o.Now}
}

// Version is one published layer version.
type Version struct {
	Name                    string    `json:"name"`
	Number                  int64     `json:"number"`
	Description             string    `json:"description,omitempty"`
	LicenseInfo             string    `json:"licenseInfo,omitempty"`
	CompatibleRuntimes      []string  `json:"compatibleRuntimes,omitempty"`
	CompatibleArchitectures []string  `json:"compatibleArchitectures,omitempty"`
	CodeSha256              string    `json:"codeSha256"` // lowercase hex, the code store key
	CodeSize                int64     `json:"codeSize"`
	UnzippedSize            int64     `json:"unzippedSize"`
	Created                 time.Time `json:"created"`
	Policy                  Policy    `json:"policy"`

	revision uint64
}

// Limits from AWS's quotas page.
const (
	MaxZipBytes      = 50 * 1024 * 1024
	MaxPerFunction   = 5
	MaxUnzippedBytes = 250 * 1024 * 1024
)

// counter is the record under "<name>": the last number handed out.
type counter struct {
	Last int64 `json:"last"`
}

// Patterns and enums from botocore's model.
var (
	namePattern = regexp.MustCompile(`^(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+|[a-zA-Z0-9-_]+)$`)
	arnPattern  = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$`)
	// Runtimes is botocore's Runtime enum: a layer may name any runtime
	// AWS knows, whether or not this node runs it.
	Runtimes      = []string{"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8", "java8.al2", "java11", "python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "provided", "provided.al2", "nodejs18.x", "python3.10", "java17", "ruby3.2", "ruby3.3", "ruby3.4", "python3.11", "nodejs20.x", "provided.al2023", "python3.12", "java21", "python3.13", "nodejs22.x", "nodejs24.x", "python3.14", "java25", "dotnet10", "ruby4.0"}
	architectures = []string{"x86_64", "arm64"}
)

// LayerARN is the ARN of a layer (no version).
func (s *Service) LayerARN(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s", s.region, s.account, name)
}

// VersionARN is the ARN of layer version v.
func (s *Service) VersionARN(v Version) string {
	return s.LayerARN(v.Name) + ":" + strconv.FormatInt(v.Number, 10)
}

// validationError is AWS's ValidationException for one member.
func validationError(value, member, constraint string) error {
	return apierror.Validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

// ParseName takes a LayerName (a name or a layer ARN of this region and
// account) and returns the name.
func (s *Service) ParseName(ref string) (string, error) {
	if len(ref) > 140 || !namePattern.MatchString(ref) {
		return "", validationError(ref, "layerName", `Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`)
	}
	if !strings.HasPrefix(ref, "arn:") {
		return ref, nil
	}
	parts := strings.Split(ref, ":")
	if parts[3] != s.region || parts[4] != s.account {
		return "", apierror.NotFound("The resource you requested does not exist.")
	}
	return parts[6], nil
}

// ParseNumber takes a VersionNumber from a path.
func ParseNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, apierror.InvalidParameter("Invalid version number: %s", s)
	}
	return n, nil
}

// ParseVersionARN takes a layer version ARN and returns the layer's name
// and the version's number; another region's or account's is not found.
func (s *Service) ParseVersionARN(arn string) (string, int64, error) {
	m := arnPattern.FindStringSubmatch(arn)
	if len(arn) > 140 || m == nil {
		return "", 0, validationError(arn, "arn", `Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`)
	}
	n, err := strconv.ParseInt(m[4], 10, 64)
	if err != nil {
		return "", 0, validationError(arn, "arn", "Member must be a valid layer version ARN")
	}
	if m[1] != s.region || m[2] != s.account {
		return "", 0, apierror.NotFound("The resource you requested does not exist.")
	}
	return m[3], n, nil
}

func versionKey(name string, n int64) string { return name + "." + strconv.FormatInt(n, 10) }

// PublishInput is PublishLayerVersionRequest (LayerName from the path).
type PublishInput struct {
	Description             string
	Content                 *Content
	CompatibleRuntimes      []string
	LicenseInfo             string
	CompatibleArchitectures []string
}

// Content is LayerVersionContentInput.
type Content struct {
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ZipFile         []byte
}

// Publish stores a new version of layer ref (created on its first
// version). Nothing is stored when the input or the package is refused.
func (s *Service) Publish(ctx context.Context, ref string, in PublishInput) (Version, error) {
	name, err := s.ParseName(ref)
	if err != nil {
		return Version{}, err
	}
	if err := validatePublish(in); err != nil {
		return Version{}, err
	}
	zip, err := s.content(ctx, in.Content)
	if err != nil {
		return Version{}, err
	}
	info, err := checkZip(zip)
	if err != nil {
		return Version{}, err
	}
	sha, err := s.code.PutCode(ctx, zip)
	if err != nil {
		return Version{}, fmt.Errorf("storing layer %s: %w", name, err)
	}
	n, err := s.nextNumber(ctx, name)
	if err != nil {
		return Version{}, err
	}
	v := Version{
		Name: name, Number: n, Description: in.Description, LicenseInfo: in.LicenseInfo,
		CompatibleRuntimes: in.CompatibleRuntimes, CompatibleArchitectures: in.CompatibleArchitectures,
		CodeSha256: sha, CodeSize: int64(len(zip)), UnzippedSize: info.UnzippedBytes,
		Created: s.now().UTC(),
	}
	data, err := json.Marshal(v)
	if err != nil {
		return Version{}, err
	}
	rev, err := s.table.Create(ctx, versionKey(name, n), data)
	if err != nil {
		return Version{}, fmt.Errorf("storing layer %s version %d: %w", name, n, err)
	}
	v.revision = rev
	return v, nil
}

func validatePublish(in PublishInput) error {
	if len(in.Description) > 256 {
		return validationError(in.Description, "description", "Member must have length less than or equal to 256")
	}
	if len(in.LicenseInfo) > 512 {
		return validationError(in.LicenseInfo, "licenseInfo", "Member must have length less than or equal to 512")
	}
	if len(in.CompatibleRuntimes) > 15 {
		return validationError(fmt.Sprint(in.CompatibleRuntimes), "compatibleRuntimes", "Member must have length less than or equal to 15")
	}
	for _, r := range in.CompatibleRuntimes {
		if !slices.Contains(Runtimes, r) {
			return validationError(fmt.Sprint(in.CompatibleRuntimes), "compatibleRuntimes", "Member must satisfy constraint: [Member must satisfy enum value set: ["+strings.Join(Runtimes, ", ")+"]]")
		}
	}
	if len(in.CompatibleArchitectures) > 2 {
		return validationError(fmt.Sprint(in.CompatibleArchitectures), "compatibleArchitectures", "Member must have length less than or equal to 2")
	}
	for _, a := range in.CompatibleArchitectures {
		if !slices.Contains(architectures, a) {
			return validationError(fmt.Sprint(in.CompatibleArchitectures), "compatibleArchitectures", "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]")
		}
	}
	if in.Content == nil {
		return validationError("null", "content", "Member must not be null")
	}
	return nil
}

// content returns the package: ZipFile, or the S3 object Content names.
func (s *Service) content(ctx context.Context, c *Content) ([]byte, error) {
	s3 := c.S3Bucket != "" || c.S3Key != "" || c.S3ObjectVersion != ""
	switch {
	case s3 && len(c.ZipFile) > 0:
		return nil, apierror.InvalidParameter("Please do not provide other Content fields along with ZipFile.")
	case len(c.ZipFile) > 0:
		return c.ZipFile, nil
	case !s3:
		return nil, apierror.InvalidParameter("Please provide a source for publishing the layer.")
	case s.s3 == nil:
		return nil, apierror.InvalidParameter("Content.S3Bucket is not available on this server: upload the layer as ZipFile.")
	case c.S3Bucket == "" || c.S3Key == "":
		return nil, apierror.InvalidParameter("Please provide both S3Bucket and S3Key.")
	case c.S3ObjectVersion != "" && c.S3ObjectVersion != "null":
		return nil, apierror.InvalidParameter("Error occurred while GetObject. S3 Error Code: NoSuchVersion. S3 Error Message: The specified version does not exist.")
	}
	zip, err := s.s3.ReadObject(ctx, c.S3Bucket, c.S3Key, MaxZipBytes+1)
	var ae *apierror.Error
	if errors.As(err, &ae) && ae.HTTPStatus != 0 {
		return nil, apierror.InvalidParameter("Error occurred while GetObject. S3 Error Code: %s. S3 Error Message: %s", ae.Type, ae.Message)
	}
	return zip, err
}

// checkZip applies Lambda's package rules to a layer.
func checkZip(zip []byte) (codezip.Info, error) {
	if len(zip) > MaxZipBytes {
		return codezip.Info{}, apierror.TooLarge("Zipped size must be smaller than %d bytes", MaxZipBytes)
	}
	info, err := codezip.Inspect(zip, codezip.DefaultLimits)
	var zerr *codezip.Error
	switch {
	case err == nil:
		return info, nil
	case errors.As(err, &zerr) && zerr.Kind == codezip.KindTooLarge:
		return info, apierror.TooLarge("%s", zerr.Message)
	case errors.As(err, &zerr):
		return info, apierror.InvalidParameter("%s", zerr.Message)
	default:
		return info, apierror.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
}

// nextNumber hands out the next version number of name with a
// compare-and-swap on its counter, so concurrent publishers on any node
// get distinct numbers.
func (s *Service) nextNumber(ctx context.Context, name string) (int64, error) {
	for range 100 {
		rec, err := s.table.Get(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			data, _ := json.Marshal(counter{Last: 1})
			if _, err := s.table.Create(ctx, name, data); err == nil {
				return 1, nil
			} else if !errors.Is(err, store.ErrExists) {
				return 0, fmt.Errorf("numbering layer %s: %w", name, err)
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("numbering layer %s: %w", name, err)
		}
		var c counter
		if err := json.Unmarshal(rec.Value, &c); err != nil {
			return 0, fmt.Errorf("numbering layer %s: %w", name, err)
		}
		c.Last++
		data, _ := json.Marshal(c)
		_, err = s.table.Update(ctx, name, data, rec.Revision)
		if err == nil {
			return c.Last, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return 0, fmt.Errorf("numbering layer %s: %w", name, err)
		}
	}
	return 0, apierror.New("TooManyRequestsException", "Too many concurrent publications of layer %s.", name)
}

// Get returns version n of layer ref.
func (s *Service) Get(ctx context.Context, ref string, n int64) (Version, error) {
	name, err := s.ParseName(ref)
	if err != nil {
		return Version{}, err
	}
	return s.load(ctx, name, n)
}

// GetByARN returns the version a layer version ARN names.
func (s *Service) GetByARN(ctx context.Context, arn string) (Version, error) {
	name, n, err := s.ParseVersionARN(arn)
	if err != nil {
		return Version{}, err
	}
	return s.load(ctx, name, n)
}

func (s *Service) load(ctx context.Context, name string, n int64) (Version, error) {
	rec, err := s.table.Get(ctx, versionKey(name, n))
	if errors.Is(err, store.ErrNotFound) {
		return Version{}, apierror.NotFound("The resource you requested does not exist.")
	}
	if err != nil {
		return Version{}, err
	}
	var v Version
	if err := json.Unmarshal(rec.Value, &v); err != nil {
		return Version{}, fmt.Errorf("layer %s version %d: %w", name, n, err)
	}
	v.revision = rec.Revision
	return v, nil
}

// Delete deletes version n of layer ref; deleting one that does not exist
// succeeds, as on AWS. Functions that use it keep their copy (see the
// package comment of codecache: the package stays while referenced).
func (s *Service) Delete(ctx context.Context, ref string, n int64) error {
	name, err := s.ParseName(ref)
	if err != nil {
		return err
	}
	v, err := s.load(ctx, name, n)
	if errors.Is(err, apierror.ResourceNotFoundException) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.table.Delete(ctx, versionKey(name, n), v.revision); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting layer %s version %d: %w", name, n, err)
	}
	return nil
}

// Filter is ListLayers' and ListLayerVersions' CompatibleRuntime and
// CompatibleArchitecture.
type Filter struct{ Runtime, Architecture string }

func (f Filter) validate() error {
	if f.Runtime != "" && !slices.Contains(Runtimes, f.Runtime) {
		return validationError(f.Runtime, "compatibleRuntime", "Member must satisfy enum value set: ["+strings.Join(Runtimes, ", ")+"]")
	}
	if f.Architecture != "" && !slices.Contains(architectures, f.Architecture) {
		return validationError(f.Architecture, "compatibleArchitecture", "Member must satisfy enum value set: [x86_64, arm64]")
	}
	return nil
}

func (f Filter) matches(v Version) bool {
	return (f.Runtime == "" || slices.Contains(v.CompatibleRuntimes, f.Runtime)) &&
		(f.Architecture == "" || slices.Contains(v.CompatibleArchitectures, f.Architecture))
}

// Versions lists the versions of layer ref that match f, newest first as
// AWS lists them. A layer with no versions left lists nothing.
func (s *Service) Versions(ctx context.Context, ref string, f Filter) ([]Version, error) {
	name, err := s.ParseName(ref)
	if err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	all, err := s.all(ctx, name+".")
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, v := range all {
		if v.Name == name && f.matches(v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Latest lists, per layer, its newest version that matches f, ordered by
// layer name.
func (s *Service) Latest(ctx context.Context, f Filter) ([]Version, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	all, err := s.all(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, v := range all {
		if !f.matches(v) {
			continue
		}
		if len(out) > 0 && out[len(out)-1].Name == v.Name {
			continue // an older version of the same layer
		}
		out = append(out, v)
	}
	return out, nil
}

// all loads every version whose key starts with prefix, ordered by layer
// name, then newest first.
func (s *Service) all(ctx context.Context, prefix string) ([]Version, error) {
	keys, err := s.table.Keys(ctx, prefix)
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, k := range keys {
		name, num, ok := strings.Cut(k, ".")
		if !ok {
			continue // a counter
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			continue
		}
		v, err := s.load(ctx, name, n)
		if errors.Is(err, apierror.ResourceNotFoundException) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b Version) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(b.Number - a.Number)
	})
	return out, nil
}

// Ref is a layer a function uses, as the function's record keeps it.
type Ref struct {
	ARN          string `json:"arn"`
	CodeSha256   string `json:"codeSha256"`
	CodeSize     int64  `json:"codeSize"`
	UnzippedSize int64  `json:"unzippedSize"`
}

// Resolve checks a function's Layers (version ARNs, in order) and returns
// what the function keeps of each. AWS's rules: at most five, each version
// exists, no layer twice.
func (s *Service) Resolve(ctx context.Context, arns []string) ([]Ref, error) {
	if len(arns) > MaxPerFunction {
		return nil, apierror.InvalidParameter("Cannot reference more than %d layers.", MaxPerFunction)
	}
	seen := map[string]string{}
	refs := make([]Ref, 0, len(arns))
	for _, arn := range arns {
		m := arnPattern.FindStringSubmatch(arn)
		if len(arn) > 140 || m == nil {
			return nil, validationError(fmt.Sprint(arns), "layers", `Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+]`)
		}
		if other, dup := seen[m[3]]; dup {
			return nil, apierror.InvalidParameter("Two different versions of the same layer are not allowed to be referenced in the same function. %s and %s share the same layer name.", other, arn)
		}
		seen[m[3]] = arn
		v, err := s.GetByARN(ctx, arn)
		if errors.Is(err, apierror.ResourceNotFoundException) {
			return nil, apierror.InvalidParameter("Layer version %s does not exist.", arn)
		}
		if err != nil {
			return nil, err
		}
		refs = append(refs, Ref{ARN: arn, CodeSha256: v.CodeSha256, CodeSize: v.CodeSize, UnzippedSize: v.UnzippedSize})
	}
	return refs, nil
}

// Code returns the package of version n of layer ref.
func (s *Service) Code(ctx context.Context, ref string, n int64) ([]byte, error) {
	v, err := s.Get(ctx, ref, n)
	if err != nil {
		return nil, err
	}
	return s.code.GetCode(ctx, v.CodeSha256)
}
