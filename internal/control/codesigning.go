package control

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/store"
)

// Code signing configurations are stored and returned as AWS stores and
// returns them, and attached to functions; Gust does not check signatures
// (it has no AWS Signer to check them against), which README says.

// CodeSigningConfig is Lambda's CodeSigningConfig.
type CodeSigningConfig struct {
	CodeSigningConfigId  string
	CodeSigningConfigArn string
	Description          string
	AllowedPublishers    AllowedPublishers
	CodeSigningPolicies  CodeSigningPolicies
	LastModified         time.Time
	Tags                 map[string]string `json:",omitempty"`
}

// AllowedPublishers is Lambda's AllowedPublishers.
type AllowedPublishers struct {
	SigningProfileVersionArns []string
}

// CodeSigningPolicies is Lambda's CodeSigningPolicies.
type CodeSigningPolicies struct {
	UntrustedArtifactOnDeployment string
}

// CodeSigningConfigInput is Create/UpdateCodeSigningConfigRequest.
type CodeSigningConfigInput struct {
	Description         *string
	AllowedPublishers   *AllowedPublishers
	CodeSigningPolicies *CodeSigningPolicies
	Tags                map[string]string
}

var (
	cscARNPattern     = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:(csc-[a-z0-9]{17})$`)
	signerARNPattern  = regexp.MustCompile(`^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$`)
	cscARNPatternText = `arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}`
)

// CreateCodeSigningConfig stores a new configuration.
func (s *Service) CreateCodeSigningConfig(ctx context.Context, in CodeSigningConfigInput) (CodeSigningConfig, error) {
	if in.AllowedPublishers == nil {
		return CodeSigningConfig{}, validationError("null", "allowedPublishers", "Member must not be null")
	}
	c := CodeSigningConfig{
		CodeSigningPolicies: CodeSigningPolicies{UntrustedArtifactOnDeployment: "Warn"},
		Tags:                in.Tags,
	}
	if err := applyCodeSigning(&c, in); err != nil {
		return CodeSigningConfig{}, err
	}
	c.CodeSigningConfigId = newCodeSigningID()
	c.CodeSigningConfigArn = fmt.Sprintf("arn:aws:lambda:%s:%s:code-signing-config:%s", s.region, s.account, c.CodeSigningConfigId)
	c.LastModified = s.now()
	if _, err := s.codeSigning.Create(ctx, c.CodeSigningConfigId, mustJSON(c)); err != nil {
		return CodeSigningConfig{}, fmt.Errorf("storing code signing config: %w", err)
	}
	return c, nil
}

func applyCodeSigning(c *CodeSigningConfig, in CodeSigningConfigInput) error {
	if in.Description != nil {
		if len(*in.Description) > 256 {
			return validationError(*in.Description, "description", "Member must have length less than or equal to 256")
		}
		c.Description = *in.Description
	}
	if p := in.AllowedPublishers; p != nil {
		if len(p.SigningProfileVersionArns) < 1 || len(p.SigningProfileVersionArns) > 20 {
			return validationError(fmt.Sprint(p.SigningProfileVersionArns), "allowedPublishers.signingProfileVersionArns", "Member must have length between 1 and 20")
		}
		for _, a := range p.SigningProfileVersionArns {
			if !signerARNPattern.MatchString(a) {
				return validationError(a, "allowedPublishers.signingProfileVersionArns", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)")
			}
		}
		c.AllowedPublishers = AllowedPublishers{SigningProfileVersionArns: slices.Clone(p.SigningProfileVersionArns)}
	}
	if p := in.CodeSigningPolicies; p != nil {
		if p.UntrustedArtifactOnDeployment != "Warn" && p.UntrustedArtifactOnDeployment != "Enforce" {
			return validationError(p.UntrustedArtifactOnDeployment, "codeSigningPolicies.untrustedArtifactOnDeployment", "Member must satisfy enum value set: [Enforce, Warn]")
		}
		c.CodeSigningPolicies = *p
	}
	return nil
}

// codeSigningID parses a configuration ARN into its id.
func codeSigningID(arn string) (string, error) {
	m := cscARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", validationError(arn, "codeSigningConfigArn", "Member must satisfy regular expression pattern: "+cscARNPatternText)
	}
	return m[6], nil
}

func (s *Service) loadCodeSigning(ctx context.Context, arn string) (CodeSigningConfig, uint64, error) {
	id, err := codeSigningID(arn)
	if err != nil {
		return CodeSigningConfig{}, 0, err
	}
	rec, err := s.codeSigning.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return CodeSigningConfig{}, 0, apierror.NotFound("The Lambda code signing configuration %s can not be found.", arn)
	}
	if err != nil {
		return CodeSigningConfig{}, 0, fmt.Errorf("loading code signing config %s: %w", id, err)
	}
	var c CodeSigningConfig
	if err := json.Unmarshal(rec.Value, &c); err != nil {
		return CodeSigningConfig{}, 0, fmt.Errorf("decoding code signing config %s: %w", id, err)
	}
	return c, rec.Revision, nil
}

// GetCodeSigningConfig returns a configuration.
func (s *Service) GetCodeSigningConfig(ctx context.Context, arn string) (CodeSigningConfig, error) {
	c, _, err := s.loadCodeSigning(ctx, arn)
	return c, err
}

// UpdateCodeSigningConfig changes a configuration.
func (s *Service) UpdateCodeSigningConfig(ctx context.Context, arn string, in CodeSigningConfigInput) (CodeSigningConfig, error) {
	for {
		c, rev, err := s.loadCodeSigning(ctx, arn)
		if err != nil {
			return CodeSigningConfig{}, err
		}
		if err := applyCodeSigning(&c, in); err != nil {
			return CodeSigningConfig{}, err
		}
		c.LastModified = s.now()
		_, err = s.codeSigning.Update(ctx, c.CodeSigningConfigId, mustJSON(c), rev)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return CodeSigningConfig{}, fmt.Errorf("storing code signing config: %w", err)
		}
		return c, nil
	}
}

// DeleteCodeSigningConfig deletes a configuration no function uses.
func (s *Service) DeleteCodeSigningConfig(ctx context.Context, arn string) error {
	c, _, err := s.loadCodeSigning(ctx, arn)
	if err != nil {
		return err
	}
	users, err := s.codeSigningUsers(ctx, arn)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return apierror.Conflict("The code signing configuration cannot be deleted because it is used by the following functions: [%s]", strings.Join(users, ", "))
	}
	if err := s.codeSigning.Delete(ctx, c.CodeSigningConfigId, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting code signing config: %w", err)
	}
	return nil
}

// ListCodeSigningConfigs returns one page of configurations.
func (s *Service) ListCodeSigningConfigs(ctx context.Context, marker string, maxItems int) ([]CodeSigningConfig, string, error) {
	ids, err := s.codeSigning.Keys(ctx, "")
	if err != nil {
		return nil, "", fmt.Errorf("listing code signing configs: %w", err)
	}
	page, next, err := paginate(ids, marker, maxItems, byName)
	if err != nil {
		return nil, "", err
	}
	out := make([]CodeSigningConfig, 0, len(page))
	for _, id := range page {
		c, _, err := s.loadCodeSigning(ctx, fmt.Sprintf("arn:aws:lambda:%s:%s:code-signing-config:%s", s.region, s.account, id))
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, c)
	}
	return out, next, nil
}

// ListFunctionsByCodeSigningConfig lists the ARNs of the functions a
// configuration is attached to.
func (s *Service) ListFunctionsByCodeSigningConfig(ctx context.Context, arn, marker string, maxItems int) ([]string, string, error) {
	if _, _, err := s.loadCodeSigning(ctx, arn); err != nil {
		return nil, "", err
	}
	users, err := s.codeSigningUsers(ctx, arn)
	if err != nil {
		return nil, "", err
	}
	page, next, err := paginate(users, marker, maxItems, byName)
	if err != nil {
		return nil, "", err
	}
	arns := make([]string, len(page))
	for i, n := range page {
		arns[i] = s.FunctionARN(n)
	}
	return arns, next, nil
}

// codeSigningUsers names the functions arn is attached to, sorted.
func (s *Service) codeSigningUsers(ctx context.Context, arn string) ([]string, error) {
	names, err := s.functions.Keys(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("listing functions: %w", err)
	}
	var users []string
	for _, n := range names {
		f, err := s.loadRecord(ctx, n)
		if err == nil && f.CodeSigningConfigArn == arn {
			users = append(users, n)
		}
	}
	slices.Sort(users)
	return users, nil
}

// PutFunctionCodeSigningConfig attaches a configuration to a function.
func (s *Service) PutFunctionCodeSigningConfig(ctx context.Context, ref, arn string) (string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", err
	}
	if _, err := codeSigningID(arn); err != nil {
		return "", err
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return "", err
	}
	if _, _, err := s.loadCodeSigning(ctx, arn); err != nil {
		return "", apierror.New("CodeSigningConfigNotFoundException", "The code signing configuration cannot be found. Check that the provided configuration is not deleted: %s.", arn).WithStatus(http.StatusNotFound)
	}
	f, err := s.mutate(ctx, r.name, "", false, func(f *Function) error {
		f.CodeSigningConfigArn = arn
		return nil
	})
	return f.Name, err
}

// FunctionCodeSigningConfig returns the configuration attached to a
// function ("" when none).
func (s *Service) FunctionCodeSigningConfig(ctx context.Context, ref string) (name, arn string, err error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", "", err
	}
	f, err := s.load(ctx, r.name)
	if err != nil {
		return "", "", err
	}
	return f.Name, f.CodeSigningConfigArn, nil
}

// DeleteFunctionCodeSigningConfig detaches a function's configuration.
func (s *Service) DeleteFunctionCodeSigningConfig(ctx context.Context, ref string) error {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return err
	}
	_, err = s.mutate(ctx, r.name, "", false, func(f *Function) error {
		f.CodeSigningConfigArn = ""
		return nil
	})
	return err
}

// newCodeSigningID is AWS's form: csc- and 17 lowercase letters or digits.
func newCodeSigningID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 17)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "csc-" + string(b)
}
