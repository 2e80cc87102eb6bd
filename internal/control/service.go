package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"gust/internal/apierror"
	"gust/internal/codezip"
	"gust/internal/ids"
	"gust/internal/layers"
	"gust/internal/store"
)

// Records is the function table: a key-value bucket with compare-and-swap.
type Records interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// CodeStore keeps deployment packages by SHA-256.
type CodeStore interface {
	PutCode(ctx context.Context, data []byte) (string, error)
	GetCode(ctx context.Context, sha256hex string) ([]byte, error)
}

// CodeWarmer, when given, unpacks a package ahead of its first invocation.
type CodeWarmer interface {
	Path(ctx context.Context, sha256hex string) (string, error)
}

// Runtimes tells which runtimes this node can run (a *runtimes.Catalogue).
type Runtimes interface {
	// Available is nil when functions of runtime id can run here, and
	// otherwise says why not and how to fix it.
	Available(id string) error
}

// Options wires a Service.
type Options struct {
	Functions Records
	// Versions holds published versions (key "<name>.<n>"), Aliases the
	// aliases ("<name>.<alias>"), EventConfigs the asynchronous invocation
	// settings ("<name>.<qualifier>").
	Versions     Records
	Aliases      Records
	EventConfigs Records
	// Provisioned holds provisioned concurrency configs
	// ("<name>.<qualifier>"); Settings account-wide records.
	Provisioned Records
	Settings    Records
	// CodeSigning holds code signing configurations (by id).
	CodeSigning Records
	// Policies holds resource-based policies ("<name>" and
	// "<name>.<qualifier>"); optional: without it AddPermission fails.
	Policies Records
	// AccountConcurrency is the account's concurrency limit (default 1000).
	AccountConcurrency int
	Runtimes           Runtimes // optional: nil accepts every runtime of the catalogue
	Code               CodeStore
	Warmer             CodeWarmer // optional
	// S3 reads Code.S3Bucket/S3Key packages; nil refuses them.
	S3        CodeObjects
	Region    string
	AccountID string
	Logger    *slog.Logger
	Now       func() time.Time // nil = time.Now
	// Layers resolves functions' Layers; nil refuses them.
	Layers LayerResolver
	// CheckRole, when set, is asked whether Lambda may assume a function's
	// execution role (package iam: the role exists and trusts
	// lambda.amazonaws.com); its error is the answer to the request.
	CheckRole func(ctx context.Context, roleARN string) error
}

// Service manages functions.
type Service struct {
	checkRoleFn  func(ctx context.Context, roleARN string) error
	functions    Records
	versions     Records
	aliases      Records
	eventConfigs Records
	provisioned  Records
	settings     Records
	policies     Records
	codeSigning  Records
	layers       LayerResolver

	accountConcurrency int
	runtimes           Runtimes
	code               CodeStore
	warmer             CodeWarmer
	s3                 CodeObjects
	region             string
	account            string
	log                *slog.Logger
	now                func() time.Time
	lookups            invokeLookups
	warned             sync.Map // settings warned about (see warnUnhonoured)
}

// New returns a Service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.AccountConcurrency <= 0 {
		o.AccountConcurrency = DefaultAccountConcurrency
	}
	return &Service{functions: o.Functions, versions: o.Versions, aliases: o.Aliases, eventConfigs: o.EventConfigs,
		provisioned: o.Provisioned, settings: o.Settings, policies: o.Policies, codeSigning: o.CodeSigning, layers: o.Layers, accountConcurrency: o.AccountConcurrency, runtimes: o.Runtimes, code: o.Code, warmer: o.Warmer, s3: o.S3, region: o.Region, account: o.AccountID, log: o.Logger, now: o.Now,
		checkRoleFn: o.CheckRole}
}

// Region is the region in this service's ARNs.
func (s *Service) Region() string { return s.region }

// FunctionARN is the unqualified ARN of the named function.
func (s *Service) FunctionARN(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.region, s.account, name)
}

func (s *Service) notFound(name string) error {
	return apierror.NotFound("Function not found: %s", s.FunctionARN(name))
}

// Create validates and stores a new function.
func (s *Service) Create(ctx context.Context, in CreateFunctionInput) (Function, error) {
	r, err := s.parseCreateRef(in.FunctionName)
	if err != nil {
		return Function{}, err
	}
	if r.qualifier != "" {
		return Function{}, apierror.InvalidParameter("Function name must not contain a qualifier: %s", in.FunctionName)
	}
	in.FunctionName = r.name
	if in.Role == "" {
		return Function{}, validationError("null", "role", "Member must not be null")
	}
	if err := validateRole(in.Role); err != nil {
		return Function{}, err
	}
	if err := s.checkRole(ctx, in.Role); err != nil {
		return Function{}, err
	}
	if in.PackageType != "" && in.PackageType != "Zip" {
		if in.PackageType == "Image" {
			return Function{}, apierror.InvalidParameter("Container images are not supported by Gust yet: use PackageType Zip.")
		}
		return Function{}, validationError(in.PackageType, "packageType", "Member must satisfy enum value set: [Image, Zip]")
	}
	if in.Runtime == "" {
		return Function{}, apierror.InvalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if in.Code == nil {
		return Function{}, validationError("null", "code", "Member must not be null")
	}
	f := Function{
		Name:             in.FunctionName,
		Version:          Latest,
		Timeout:          DefaultTimeout,
		MemorySize:       DefaultMemoryMB,
		EphemeralStorage: DefaultEphemeralMB,
		Architectures:    []string{hostArchitecture},
		TracingMode:      "PassThrough",
		Tags:             in.Tags,
	}
	if len(in.Architectures) > 0 {
		f.Architectures = in.Architectures
	}
	logging := LoggingConfig{}
	if in.LoggingConfig != nil {
		logging = *in.LoggingConfig
	}
	f.apply(ConfigPatch{
		Role: &in.Role, Handler: &in.Handler, Description: &in.Description, Runtime: &in.Runtime,
		Timeout: in.Timeout, MemorySize: in.MemorySize, Environment: in.Environment,
		EphemeralStorage: in.EphemeralStorage, LoggingConfig: &logging, DeadLetterConfig: in.DeadLetterConfig,
	})
	if err := firstError(
		s.validateConfig(f, false),
		validateArchitectures(in.Architectures),
		s.validateTracingMode(in.TracingConfig),
		validateAccepted(in.AcceptedPatch),
		validateUnsupported(in.Unsupported),
		validateTags(in.Tags),
		s.codeFromS3(ctx, in.Code),
		errCodeSource(*in.Code),
		// Last: the request is valid, but can it run here?
		s.runtimeAvailable(f.Runtime),
	); err != nil {
		return Function{}, err
	}
	s.applyAccepted(&f.Accepted, in.AcceptedPatch)
	if in.TracingConfig != nil && in.TracingConfig.Mode != "" {
		f.TracingMode = in.TracingConfig.Mode
	}
	if in.CodeSigningConfigArn != "" {
		if _, _, err := s.loadCodeSigning(ctx, in.CodeSigningConfigArn); err != nil {
			return Function{}, apierror.New("CodeSigningConfigNotFoundException", "The code signing configuration cannot be found. Check that the provided configuration is not deleted: %s.", in.CodeSigningConfigArn).WithStatus(http.StatusNotFound)
		}
		f.CodeSigningConfigArn = in.CodeSigningConfigArn
	}
	if f.Layers, err = s.resolveLayers(ctx, in.Layers); err != nil {
		return Function{}, err
	}
	if err := s.storeCode(ctx, &f, in.Code.ZipFile); err != nil {
		return Function{}, err
	}
	f.LastModified = s.now()
	f.RevisionID = ids.UUID()
	f.ConfigID = f.RevisionID
	f.Status = creating()
	f.EnvironmentSet = in.Environment != nil
	rev, err := s.functions.Create(ctx, f.Name, mustJSON(f))
	if errors.Is(err, store.ErrExists) {
		return Function{}, apierror.Conflict("Function already exist: %s", f.Name)
	}
	if err != nil {
		return Function{}, fmt.Errorf("storing function %s: %w", f.Name, err)
	}
	f.storeRevision = rev
	s.log.Info("function created", "function", f.Name, "runtime", f.Runtime, "codeSha256", f.CodeSha256)
	if in.Publish {
		// AWS answers with the new function, unqualified and still
		// Pending, and the number of the version it published.
		v, err := s.publish(ctx, f.Name, "", "", "")
		if err != nil {
			return Function{}, err
		}
		f.Version = v.Version
	}
	return f, nil
}

// checkZip applies Lambda's package rules: size, integrity, no escapes. It
// returns the package's unzipped size.
func checkZip(zip []byte) (int64, error) {
	if len(zip) > MaxZipBytes {
		return 0, apierror.TooLarge("Zipped size must be smaller than %d bytes", MaxZipBytes)
	}
	info, err := codezip.Inspect(zip, codezip.DefaultLimits)
	var zerr *codezip.Error
	switch {
	case err == nil:
		return info.UnzippedBytes, nil
	case errors.As(err, &zerr) && zerr.Kind == codezip.KindTooLarge:
		return 0, apierror.TooLarge("%s", zerr.Message)
	case errors.As(err, &zerr):
		return 0, apierror.InvalidParameter("%s", zerr.Message)
	default:
		return 0, apierror.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
}

// storeCode validates a zip, stores it and sets the function's code fields.
func (s *Service) storeCode(ctx context.Context, f *Function, zip []byte) error {
	unzipped, err := checkZip(zip)
	if err != nil {
		return err
	}
	if err := checkCombinedSize(unzipped, f.Layers); err != nil {
		return err
	}
	sha, err := s.code.PutCode(ctx, zip)
	if err != nil {
		return fmt.Errorf("storing code of %s: %w", f.Name, err)
	}
	f.CodeSha256 = sha
	f.CodeSize = int64(len(zip))
	f.CodeUnzippedSize = unzipped
	if s.warmer != nil {
		if _, err := s.warmer.Path(ctx, sha); err != nil {
			// The package was validated; a failed unpack here is retried at
			// the first invocation, so it is worth a warning, not a failure.
			s.log.Warn("unpacking code ahead of first invoke", "function", f.Name, "err", err)
		}
	}
	return nil
}

// Get returns a function version by name or ARN and qualifier: $LATEST
// when there is none, a published version, or the version an alias points
// to (its primary one).
func (s *Service) Get(ctx context.Context, ref string, qualifier string) (Function, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return Function{}, err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return Function{}, err
	}
	switch {
	case q == "" || q == Latest:
		return s.load(ctx, r.name)
	case isVersionNumber(q):
		return s.loadVersion(ctx, r.name, q)
	default:
		a, err := s.loadAlias(ctx, r.name, q)
		if err != nil {
			return Function{}, s.qualifiedNotFound(err, r.name, q)
		}
		return s.loadQualified(ctx, r.name, a.FunctionVersion)
	}
}

// mergeQualifier combines a qualifier in the function ARN with the
// Qualifier parameter; they must agree.
func mergeQualifier(r functionRef, qualifier string) (string, error) {
	if r.qualifier != "" && qualifier != "" && r.qualifier != qualifier {
		return "", apierror.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
	}
	if r.qualifier != "" {
		return r.qualifier, nil
	}
	if qualifier != "" && !qualifierPattern.MatchString(qualifier) {
		return "", validationError(qualifier, "qualifier", "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)")
	}
	return qualifier, nil
}

// loadQualified loads $LATEST or a published version.
func (s *Service) loadQualified(ctx context.Context, name, version string) (Function, error) {
	if version == Latest {
		return s.load(ctx, name)
	}
	return s.loadVersion(ctx, name, version)
}

// load reads $LATEST, settling a Pending or InProgress record first.
func (s *Service) load(ctx context.Context, name string) (Function, error) {
	for {
		f, err := s.loadRecord(ctx, name)
		if err != nil || !f.unsettled() {
			return f, err
		}
		// The work the write started is done: the record becomes Active
		// and Successful under a new RevisionId, as on AWS.
		f.Status = settled()
		f.RevisionID = ids.UUID()
		rev, err := s.functions.Update(ctx, name, mustJSON(f), f.storeRevision)
		switch {
		case err == nil:
			f.storeRevision = rev
			return f, nil
		case errors.Is(err, store.ErrConflict): // another reader settled it, or a writer changed it
			continue
		case errors.Is(err, store.ErrNotFound):
			return Function{}, s.notFound(name)
		default:
			return Function{}, fmt.Errorf("settling function %s: %w", name, err)
		}
	}
}

// loadRecord reads $LATEST as stored.
func (s *Service) loadRecord(ctx context.Context, name string) (Function, error) {
	rec, err := s.functions.Get(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return Function{}, s.notFound(name)
	}
	if err != nil {
		return Function{}, fmt.Errorf("loading function %s: %w", name, err)
	}
	var f Function
	if err := json.Unmarshal(rec.Value, &f); err != nil {
		return Function{}, fmt.Errorf("decoding function %s: %w", name, err)
	}
	f.storeRevision = rec.Revision
	return f, nil
}

// List returns one page of functions sorted by name, and the marker of the
// next page ("" on the last).
func (s *Service) List(ctx context.Context, marker string, maxItems int) ([]Function, string, error) {
	names, err := s.functions.Keys(ctx, "")
	if err != nil {
		return nil, "", fmt.Errorf("listing functions: %w", err)
	}
	page, next, err := paginate(names, marker, maxItems, byName)
	if err != nil {
		return nil, "", err
	}
	out := make([]Function, 0, len(page))
	for _, n := range page {
		f, err := s.load(ctx, n)
		if errors.Is(err, apierror.ResourceNotFoundException) {
			continue // deleted between Keys and Get
		}
		if err != nil {
			return nil, "", err
		}
		out = append(out, f)
	}
	return out, next, nil
}

// mutate applies change to the current record and stores it with
// compare-and-swap. With a RevisionId from the caller a lost race is the
// caller's PreconditionFailed; without one the change is re-applied to the
// newer record, so no concurrent write is ever lost.
func (s *Service) mutate(ctx context.Context, name, revisionID string, bumpRevision bool, change func(*Function) error) (Function, error) {
	for {
		f, err := s.load(ctx, name)
		if err != nil {
			return Function{}, err
		}
		if revisionID != "" && revisionID != f.RevisionID {
			return Function{}, apierror.PreconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		if err := change(&f); err != nil {
			return Function{}, err
		}
		if bumpRevision {
			f.LastModified = s.now()
			f.RevisionID = ids.UUID()
			f.ConfigID = f.RevisionID
		}
		rev, err := s.functions.Update(ctx, name, mustJSON(f), f.storeRevision)
		switch {
		case err == nil:
			f.storeRevision = rev
			return f, nil
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return Function{}, s.notFound(name)
		default:
			return Function{}, fmt.Errorf("updating function %s: %w", name, err)
		}
	}
}

// UpdateCode replaces a function's code.
func (s *Service) UpdateCode(ctx context.Context, in UpdateFunctionCodeInput) (Function, error) {
	r, err := s.parseFunctionRef(in.FunctionName)
	if err != nil {
		return Function{}, err
	}
	code := FunctionCode{ZipFile: in.ZipFile, S3Bucket: in.S3Bucket, S3Key: in.S3Key, S3ObjectVersion: in.S3ObjectVersion, ImageUri: in.ImageUri}
	if err := firstError(
		onlyLatest(r),
		validateArchitectures(in.Architectures),
		s.codeFromS3(ctx, &code),
		errCodeSource(code),
	); err != nil {
		return Function{}, err
	}
	in.ZipFile = code.ZipFile
	if in.DryRun {
		// A dry run validates everything and stores nothing.
		f, err := s.load(ctx, r.name)
		if err != nil {
			return Function{}, err
		}
		if in.RevisionId != "" && in.RevisionId != f.RevisionID {
			return Function{}, apierror.PreconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		if _, err := checkZip(in.ZipFile); err != nil {
			return Function{}, err
		}
		f.CodeSha256, f.CodeSize = sha256Hex(in.ZipFile), int64(len(in.ZipFile))
		return f, nil
	}
	var stored Function
	if err := s.storeCode(ctx, &stored, in.ZipFile); err != nil {
		return Function{}, err
	}
	f, err := s.mutate(ctx, r.name, in.RevisionId, true, func(f *Function) error {
		if err := checkCombinedSize(stored.CodeUnzippedSize, f.Layers); err != nil {
			return err
		}
		f.CodeSha256, f.CodeSize, f.CodeUnzippedSize = stored.CodeSha256, stored.CodeSize, stored.CodeUnzippedSize
		f.Status = updating()
		return nil
	})
	if err != nil || !in.Publish {
		return f, err
	}
	return s.publish(ctx, f.Name, "", "", "")
}

// UpdateConfig changes a function's configuration.
func (s *Service) UpdateConfig(ctx context.Context, in UpdateFunctionConfigurationInput) (Function, error) {
	r, err := s.parseFunctionRef(in.FunctionName)
	if err != nil {
		return Function{}, err
	}
	if err := firstError(onlyLatest(r), validateUnsupported(in.Unsupported), s.validateTracingMode(in.TracingConfig), validateAccepted(in.AcceptedPatch)); err != nil {
		return Function{}, err
	}
	if in.Role != nil {
		if err := firstError(validateRole(*in.Role), s.checkRole(ctx, *in.Role)); err != nil {
			return Function{}, err
		}
	}
	var layerRefs []layers.Ref
	if in.Layers != nil {
		if layerRefs, err = s.resolveLayers(ctx, *in.Layers); err != nil {
			return Function{}, err
		}
	}
	return s.mutate(ctx, r.name, in.RevisionId, true, func(f *Function) error {
		if in.Layers != nil {
			if err := s.checkFunctionSize(ctx, *f, layerRefs); err != nil {
				return err
			}
			f.Layers = layerRefs
		}
		f.apply(in.ConfigPatch)
		s.applyAccepted(&f.Accepted, in.AcceptedPatch)
		if in.TracingConfig != nil && in.TracingConfig.Mode != "" {
			f.TracingMode = in.TracingConfig.Mode
		}
		f.Status = updating()
		if in.Environment != nil {
			f.EnvironmentSet = true
		}
		// A runtime named in this request must run here; one kept from
		// before does not block other changes.
		return s.validateConfig(*f, in.Runtime != nil)
	})
}

// checkRole asks CheckRole, when set.
func (s *Service) checkRole(ctx context.Context, role string) error {
	if s.checkRoleFn == nil {
		return nil
	}
	return s.checkRoleFn(ctx, role)
}

// apply sets the members p names.
func (f *Function) apply(p ConfigPatch) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&f.Role, p.Role)
	set(&f.Handler, p.Handler)
	set(&f.Description, p.Description)
	set(&f.Runtime, p.Runtime)
	if p.Timeout != nil {
		f.Timeout = *p.Timeout
	}
	if p.MemorySize != nil {
		f.MemorySize = *p.MemorySize
	}
	if p.Environment != nil {
		f.Environment = p.Environment.Variables
	}
	if p.EphemeralStorage != nil {
		f.EphemeralStorage = p.EphemeralStorage.Size
	}
	if p.LoggingConfig != nil {
		f.Logging = withLoggingDefaults(*p.LoggingConfig, f.Name)
	}
	if p.DeadLetterConfig != nil {
		f.DeadLetterTarget = p.DeadLetterConfig.TargetArn
	}
}

// validateConfig checks a function's whole configuration; checkRuntime also
// asks whether its runtime can run on this node.
func (s *Service) validateConfig(f Function, checkRuntime bool) error {
	var available error
	if checkRuntime {
		available = s.runtimeAvailable(f.Runtime)
	}
	return firstError(
		validateRole(f.Role),
		validateRuntime(f.Runtime),
		validateHandler(f.Runtime, f.Handler),
		validateDescription(f.Description),
		validateTimeout(f.Timeout),
		validateMemory(f.MemorySize),
		validateEphemeral(f.EphemeralStorage),
		validateEnvironment(f.Environment),
		validateDeadLetter(f.DeadLetterTarget),
		validateLogging(f.Logging),
		available,
	)
}

// Delete removes a function with all its versions, aliases and
// asynchronous settings, or, with a version qualifier, one version.
func (s *Service) Delete(ctx context.Context, ref, qualifier string) error {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return err
	}
	switch {
	case q == Latest:
		return apierror.InvalidParameter("$LATEST version cannot be deleted without deleting the function.")
	case q != "" && !isVersionNumber(q):
		return apierror.InvalidParameter("Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.")
	case q != "":
		return s.deleteVersion(ctx, r.name, q)
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return err
	}
	// What hangs off the function goes first, so a crash half-way leaves a
	// function that can be deleted again rather than orphans that a new
	// function of the same name would inherit.
	if err := s.dropReservation(ctx, r.name); err != nil {
		return err
	}
	tables := []Records{s.versions, s.aliases, s.eventConfigs, s.provisioned}
	if s.policies != nil {
		tables = append(tables, s.policies)
		if err := s.policies.Delete(ctx, r.name, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("deleting the policy of function %s: %w", r.name, err)
		}
	}
	for _, t := range tables {
		keys, err := t.Keys(ctx, r.name+".")
		if err != nil {
			return fmt.Errorf("deleting function %s: %w", r.name, err)
		}
		for _, k := range keys {
			if err := t.Delete(ctx, k, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("deleting %s of function %s: %w", k, r.name, err)
			}
		}
	}
	err = s.functions.Delete(ctx, r.name, 0)
	if errors.Is(err, store.ErrNotFound) {
		return s.notFound(r.name)
	}
	if err != nil {
		return fmt.Errorf("deleting function %s: %w", r.name, err)
	}
	s.log.Info("function deleted", "function", r.name)
	return nil
}

// nameFromARN resolves a taggable resource ARN to a function name.
func (s *Service) nameFromARN(arn string) (string, error) {
	r, err := s.parseFunctionRef(arn)
	if err != nil || len(arn) < 4 || arn[:4] != "arn:" {
		return "", apierror.InvalidParameter("Invalid resource ARN: %s", arn)
	}
	if r.qualifier != "" {
		return "", apierror.InvalidParameter("Tags are not supported on qualified function ARNs: %s", arn)
	}
	return r.name, nil
}

// Tag adds or replaces tags on a function. Tags are not configuration, so
// RevisionId does not change.
func (s *Service) Tag(ctx context.Context, arn string, tags map[string]string) error {
	name, err := s.nameFromARN(arn)
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		return validationError("null", "tags", "Member must not be null")
	}
	_, err = s.mutate(ctx, name, "", false, func(f *Function) error {
		merged := maps.Clone(f.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		maps.Copy(merged, tags)
		f.Tags = merged
		return validateTags(merged)
	})
	return err
}

// Untag removes tags by key.
func (s *Service) Untag(ctx context.Context, arn string, keys []string) error {
	name, err := s.nameFromARN(arn)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return validationError("null", "tagKeys", "Member must not be null")
	}
	_, err = s.mutate(ctx, name, "", false, func(f *Function) error {
		for _, k := range keys {
			delete(f.Tags, k)
		}
		return nil
	})
	return err
}

// Tags lists a function's tags.
func (s *Service) Tags(ctx context.Context, arn string) (map[string]string, error) {
	name, err := s.nameFromARN(arn)
	if err != nil {
		return nil, err
	}
	f, err := s.load(ctx, name)
	if err != nil {
		return nil, err
	}
	if f.Tags == nil {
		return map[string]string{}, nil
	}
	return f.Tags, nil
}

// AccountUsage is what GetAccountSettings reports as used.
type AccountUsage struct {
	TotalCodeSize int64
	FunctionCount int64
}

// Usage sums code size (every version's, as AWS counts it) and counts
// functions.
func (s *Service) Usage(ctx context.Context) (AccountUsage, error) {
	names, err := s.functions.Keys(ctx, "")
	if err != nil {
		return AccountUsage{}, fmt.Errorf("listing functions: %w", err)
	}
	var u AccountUsage
	for _, n := range names {
		f, err := s.load(ctx, n)
		if err != nil {
			continue // deleted meanwhile
		}
		u.FunctionCount++
		u.TotalCodeSize += f.CodeSize
	}
	versions, err := s.versions.Keys(ctx, "")
	if err != nil {
		return AccountUsage{}, fmt.Errorf("listing versions: %w", err)
	}
	for _, k := range versions {
		name, version, _ := strings.Cut(k, ".")
		if v, err := s.loadVersion(ctx, name, version); err == nil {
			u.TotalCodeSize += v.CodeSize
		}
	}
	return u, nil
}

// Code returns a function's deployment package, for GetFunction's
// Code.Location download.
func (s *Service) Code(ctx context.Context, name string) (zip []byte, sha256hex string, err error) {
	f, err := s.load(ctx, name)
	if err != nil {
		return nil, "", err
	}
	zip, err = s.code.GetCode(ctx, f.CodeSha256)
	return zip, f.CodeSha256, err
}

func withLoggingDefaults(l LoggingConfig, name string) LoggingConfig {
	if l.LogFormat == "" {
		l.LogFormat = "Text"
	}
	if l.LogGroup == "" {
		l.LogGroup = "/aws/lambda/" + name
	}
	if l.LogFormat == "JSON" {
		if l.ApplicationLogLevel == "" {
			l.ApplicationLogLevel = "INFO"
		}
		if l.SystemLogLevel == "" {
			l.SystemLogLevel = "INFO"
		}
	}
	return l
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encoding %T: %v", v, err)) // only plain structs are encoded
	}
	return b
}

// AliasOf returns the alias a FunctionName and Qualifier pair names, or ""
// when they name $LATEST or a version: operations reached through an alias
// report the alias's ARN, as AWS does.
func (s *Service) AliasOf(ref, qualifier string) string {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return ""
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil || q == "" || q == Latest || isVersionNumber(q) {
		return ""
	}
	return q
}
