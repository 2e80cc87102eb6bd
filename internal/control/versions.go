package control

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/ids"
	"gust/internal/store"
)

var (
	versionPattern   = regexp.MustCompile(`^[0-9]+$`)
	qualifierPattern = regexp.MustCompile(`^[a-zA-Z0-9$_-]{1,128}$`)
)

func isVersionNumber(q string) bool { return versionPattern.MatchString(q) }

// onlyLatest refuses a qualified reference where only $LATEST can change.
func onlyLatest(r functionRef) error {
	if r.qualifier != "" && r.qualifier != Latest {
		return apierror.InvalidParameter("Only $LATEST can be updated; %s is a published version or an alias.", r.qualifier)
	}
	return nil
}

func versionKey(name, version string) string { return name + "." + version }

// PublishVersionInput is PublishVersionRequest.
type PublishVersionInput struct {
	FunctionName string `json:"-"`
	CodeSha256   string
	Description  string
	RevisionId   string
}

// Publish snapshots $LATEST as a new immutable version.
func (s *Service) Publish(ctx context.Context, in PublishVersionInput) (Function, error) {
	r, err := s.parseFunctionRef(in.FunctionName)
	if err != nil {
		return Function{}, err
	}
	if err := firstError(onlyLatest(r), validateDescription(in.Description)); err != nil {
		return Function{}, err
	}
	return s.publish(ctx, r.name, in.CodeSha256, in.RevisionId, in.Description)
}

// publish takes the next version number with a compare-and-swap on $LATEST,
// then stores the snapshot. When neither code nor configuration changed
// since the last version, that version is returned instead, as Lambda does.
func (s *Service) publish(ctx context.Context, name, codeSha256, revisionID, description string) (Function, error) {
	latest, err := s.load(ctx, name)
	if err != nil {
		return Function{}, err
	}
	if codeSha256 != "" && codeSha256 != CodeSha256Base64(latest.CodeSha256) {
		return Function{}, apierror.InvalidParameter("CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.", codeSha256, CodeSha256Base64(latest.CodeSha256))
	}
	if latest.LastVersion > 0 {
		prev, err := s.loadVersion(ctx, name, strconv.Itoa(latest.LastVersion))
		if err == nil && prev.ConfigSha256 == configSha256(latest) {
			return prev, nil
		}
	}
	var number int
	latest, err = s.mutate(ctx, name, revisionID, false, func(f *Function) error {
		f.LastVersion++
		number = f.LastVersion
		f.RevisionID = ids.UUID() // publishing changes $LATEST's RevisionId on AWS
		return nil
	})
	if err != nil {
		return Function{}, err
	}
	v := latest
	v.ConfigSha256 = configSha256(latest)
	v.Version = strconv.Itoa(number)
	v.LastVersion = 0
	v.Tags = nil
	v.LastModified = s.now()
	v.RevisionID = ids.UUID()
	v.Status = settled()
	if description != "" {
		v.Description = description
	}
	rev, err := s.versions.Create(ctx, versionKey(name, v.Version), mustJSON(v))
	if err != nil {
		return Function{}, fmt.Errorf("storing version %s of %s: %w", v.Version, name, err)
	}
	v.storeRevision = rev
	s.log.Info("version published", "function", name, "version", v.Version)
	return v, nil
}

// configSha256 hashes what a version snapshots of $LATEST: code and
// configuration, not bookkeeping. Publishing is skipped when it matches
// the last version's.
func configSha256(f Function) string {
	f.Version, f.RevisionID, f.LastModified, f.Tags, f.LastVersion, f.ConfigSha256, f.storeRevision = "", "", time.Time{}, nil, 0, "", 0
	f.Status, f.ConfigID = Status{}, ""
	f.CodeSigningConfigArn, f.RecursiveLoop = "", "" // function-wide settings, not version configuration
	return sha256Hex(mustJSON(f))
}

func (s *Service) loadVersion(ctx context.Context, name, version string) (Function, error) {
	rec, err := s.versions.Get(ctx, versionKey(name, version))
	if errors.Is(err, store.ErrNotFound) {
		if _, err := s.load(ctx, name); err != nil {
			return Function{}, err
		}
		return Function{}, apierror.NotFound("Function not found: %s:%s", s.FunctionARN(name), version)
	}
	if err != nil {
		return Function{}, fmt.Errorf("loading version %s of %s: %w", version, name, err)
	}
	var f Function
	if err := json.Unmarshal(rec.Value, &f); err != nil {
		return Function{}, fmt.Errorf("decoding version %s of %s: %w", version, name, err)
	}
	f.storeRevision = rec.Revision
	return f, nil
}

// ListVersions lists $LATEST and every published version, in order.
func (s *Service) ListVersions(ctx context.Context, ref, marker string, maxItems int) ([]Function, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return nil, "", err
	}
	latest, err := s.load(ctx, r.name)
	if err != nil {
		return nil, "", err
	}
	keys, err := s.versions.Keys(ctx, r.name+".")
	if err != nil {
		return nil, "", fmt.Errorf("listing versions of %s: %w", r.name, err)
	}
	numbers := make([]int, 0, len(keys))
	for _, k := range keys {
		if n, err := strconv.Atoi(strings.TrimPrefix(k, r.name+".")); err == nil {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	all := make([]string, 0, len(numbers)+1)
	all = append(all, Latest)
	for _, n := range numbers {
		all = append(all, strconv.Itoa(n))
	}
	page, next, err := paginate(all, marker, maxItems, byVersion)
	if err != nil {
		return nil, "", err
	}
	out := make([]Function, 0, len(page))
	for _, v := range page {
		if v == Latest {
			out = append(out, latest)
			continue
		}
		f, err := s.loadVersion(ctx, r.name, v)
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, f)
	}
	return out, next, nil
}

// deleteVersion removes one published version unless an alias uses it.
func (s *Service) deleteVersion(ctx context.Context, name, version string) error {
	if _, err := s.loadVersion(ctx, name, version); err != nil {
		if _, ferr := s.load(ctx, name); ferr == nil {
			return nil // a missing version of a function that exists: deleted already, as AWS answers
		}
		return err
	}
	aliases, err := s.listAliases(ctx, name)
	if err != nil {
		return err
	}
	var users []string
	for _, a := range aliases {
		if a.FunctionVersion == version {
			users = append(users, a.Name)
			continue
		}
		if _, ok := a.Weights[version]; ok {
			users = append(users, a.Name)
		}
	}
	if len(users) > 0 {
		return apierror.Conflict("Unable to delete version because the following aliases reference it: [%s]", strings.Join(users, ", "))
	}
	if err := s.provisioned.Delete(ctx, versionKey(name, version), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting provisioned concurrency of version %s: %w", version, err)
	}
	if err := s.versions.Delete(ctx, versionKey(name, version), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting version %s of %s: %w", version, name, err)
	}
	return s.dropPolicy(ctx, name+"."+version)
}

// byVersion orders $LATEST first, then versions by number.
func byVersion(a, b string) int {
	rank := func(v string) int {
		if v == Latest {
			return -1
		}
		n, _ := strconv.Atoi(v)
		return n
	}
	return cmp.Compare(rank(a), rank(b))
}
