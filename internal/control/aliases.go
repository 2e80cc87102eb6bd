package control

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/ids"
	"gust/internal/store"
)

// Alias is a named pointer to a version, optionally splitting traffic with
// a second version.
type Alias struct {
	Function        string             `json:"function"`
	Name            string             `json:"name"`
	FunctionVersion string             `json:"functionVersion"`
	Description     string             `json:"description,omitempty"`
	Weights         map[string]float64 `json:"weights,omitempty"` // AdditionalVersionWeights
	RevisionID      string             `json:"revisionId"`
	LastModified    time.Time          `json:"lastModified"`

	storeRevision uint64
}

// AliasInput is CreateAliasRequest and UpdateAliasRequest.
type AliasInput struct {
	FunctionName    string `json:"-"`
	Name            string
	FunctionVersion *string
	Description     *string
	RoutingConfig   *struct {
		AdditionalVersionWeights map[string]float64
	}
	RevisionId string
}

// apply sets the members in names.
func (a *Alias) apply(in AliasInput) {
	if in.FunctionVersion != nil {
		a.FunctionVersion = *in.FunctionVersion
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.RoutingConfig != nil {
		a.Weights = in.RoutingConfig.AdditionalVersionWeights
	}
}

var aliasPattern = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,128}$`)

func validateAliasName(name string) error {
	if !aliasPattern.MatchString(name) || isVersionNumber(name) {
		return validationError(name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
	}
	return nil
}

func aliasKey(function, alias string) string { return function + "." + alias }

// AliasARN is the ARN of an alias.
func (s *Service) AliasARN(function, alias string) string {
	return s.FunctionARN(function) + ":" + alias
}

// CreateAlias creates an alias.
func (s *Service) CreateAlias(ctx context.Context, in AliasInput) (Alias, error) {
	r, err := s.parseFunctionRef(in.FunctionName)
	if err != nil {
		return Alias{}, err
	}
	if err := validateAliasName(in.Name); err != nil {
		return Alias{}, err
	}
	if in.FunctionVersion == nil {
		return Alias{}, validationError("null", "functionVersion", "Member must not be null")
	}
	a := Alias{Function: r.name, Name: in.Name}
	a.apply(in)
	if err := s.validateAlias(ctx, a); err != nil {
		return Alias{}, err
	}
	a.RevisionID = ids.UUID()
	a.LastModified = s.now()
	rev, err := s.aliases.Create(ctx, aliasKey(r.name, a.Name), mustJSON(a))
	if errors.Is(err, store.ErrExists) {
		return Alias{}, apierror.Conflict("Alias already exists: %s", s.AliasARN(r.name, a.Name))
	}
	if err != nil {
		return Alias{}, fmt.Errorf("storing alias %s: %w", a.Name, err)
	}
	a.storeRevision = rev
	return a, nil
}

func (s *Service) validateAlias(ctx context.Context, a Alias) error {
	if err := validateDescription(a.Description); err != nil {
		return err
	}
	if _, err := s.loadQualifiedVersion(ctx, a.Function, a.FunctionVersion); err != nil {
		return err
	}
	if len(a.Weights) > 1 {
		return apierror.InvalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1")
	}
	for v, w := range a.Weights {
		if w < 0 || w > 1 {
			return validationError(w, "routingConfig.additionalVersionWeights", "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]")
		}
		if a.FunctionVersion == Latest || !isVersionNumber(v) {
			return apierror.InvalidParameter("$LATEST is not supported for an alias pointing to more than 1 version")
		}
		if v == a.FunctionVersion {
			return apierror.InvalidParameter("Primary and additional versions of an alias cannot be the same: %s", v)
		}
		if _, err := s.loadVersion(ctx, a.Function, v); err != nil {
			return err
		}
	}
	return nil
}

// loadQualifiedVersion checks that version is $LATEST or a published
// number of the function, and loads it.
func (s *Service) loadQualifiedVersion(ctx context.Context, function, version string) (Function, error) {
	if version != Latest && !isVersionNumber(version) {
		return Function{}, validationError(version, "functionVersion", "Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)")
	}
	return s.loadQualified(ctx, function, version)
}

// errNoAlias is loadAlias's answer for a missing alias of an existing
// function; each operation words it as AWS does (see aliasNotFound).
var errNoAlias = errors.New("no such alias")

// aliasNotFound words a missing alias as most operations do on AWS; other
// errors pass through.
func (s *Service) aliasNotFound(err error, function, name string) error {
	if errors.Is(err, errNoAlias) {
		return apierror.NotFound("Cannot find alias arn: %s", s.AliasARN(function, name))
	}
	return err
}

func (s *Service) loadAlias(ctx context.Context, function, name string) (Alias, error) {
	rec, err := s.aliases.Get(ctx, aliasKey(function, name))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalidKey) {
		if _, err := s.load(ctx, function); err != nil {
			return Alias{}, err
		}
		return Alias{}, errNoAlias
	}
	if err != nil {
		return Alias{}, fmt.Errorf("loading alias %s: %w", name, err)
	}
	var a Alias
	if err := json.Unmarshal(rec.Value, &a); err != nil {
		return Alias{}, fmt.Errorf("decoding alias %s: %w", name, err)
	}
	a.storeRevision = rec.Revision
	return a, nil
}

// GetAlias returns an alias.
func (s *Service) GetAlias(ctx context.Context, ref, name string) (Alias, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return Alias{}, err
	}
	a, err := s.loadAlias(ctx, r.name, name)
	return a, s.aliasNotFound(err, r.name, name)
}

// UpdateAlias changes an alias; RevisionId, when given, must be current.
func (s *Service) UpdateAlias(ctx context.Context, in AliasInput) (Alias, error) {
	r, err := s.parseFunctionRef(in.FunctionName)
	if err != nil {
		return Alias{}, err
	}
	for {
		a, err := s.loadAlias(ctx, r.name, in.Name)
		if errors.Is(err, errNoAlias) {
			return Alias{}, apierror.NotFound("Alias not found: %s", s.AliasARN(r.name, in.Name))
		}
		if err != nil {
			return Alias{}, err
		}
		if in.RevisionId != "" && in.RevisionId != a.RevisionID {
			return Alias{}, apierror.PreconditionFailed("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
		}
		a.apply(in)
		if err := s.validateAlias(ctx, a); err != nil {
			return Alias{}, err
		}
		a.RevisionID = ids.UUID()
		a.LastModified = s.now()
		rev, err := s.aliases.Update(ctx, aliasKey(r.name, a.Name), mustJSON(a), a.storeRevision)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return Alias{}, fmt.Errorf("updating alias %s: %w", a.Name, err)
		}
		a.storeRevision = rev
		return a, nil
	}
}

// DeleteAlias removes an alias.
func (s *Service) DeleteAlias(ctx context.Context, ref, name string) error {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return err
	}
	if _, err := s.loadAlias(ctx, r.name, name); errors.Is(err, errNoAlias) {
		return nil // deleting a missing alias succeeds, as on AWS
	} else if err != nil {
		return err
	}
	if err := s.provisioned.Delete(ctx, aliasKey(r.name, name), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting provisioned concurrency of alias %s: %w", name, err)
	}
	if err := s.aliases.Delete(ctx, aliasKey(r.name, name), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting alias %s: %w", name, err)
	}
	return s.dropPolicy(ctx, r.name+"."+name)
}

func (s *Service) listAliases(ctx context.Context, function string) ([]Alias, error) {
	keys, err := s.aliases.Keys(ctx, function+".")
	if err != nil {
		return nil, fmt.Errorf("listing aliases of %s: %w", function, err)
	}
	out := make([]Alias, 0, len(keys))
	for _, k := range keys {
		a, err := s.loadAlias(ctx, function, strings.TrimPrefix(k, function+"."))
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, a)
	}
	return out, nil
}

// ListAliases lists a function's aliases, optionally only those pointing
// to functionVersion.
func (s *Service) ListAliases(ctx context.Context, ref, functionVersion, marker string, maxItems int) ([]Alias, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return nil, "", err
	}
	all, err := s.listAliases(ctx, r.name)
	if err != nil {
		return nil, "", err
	}
	byAlias := map[string]Alias{}
	var names []string
	for _, a := range all {
		if functionVersion != "" && a.FunctionVersion != functionVersion {
			continue
		}
		byAlias[a.Name] = a
		names = append(names, a.Name)
	}
	page, next, err := paginate(names, marker, maxItems, byName)
	if err != nil {
		return nil, "", err
	}
	out := make([]Alias, len(page))
	for i, n := range page {
		out[i] = byAlias[n]
	}
	return out, next, nil
}

// Target is what an invocation runs: a function version, and the
// qualifier the caller used (for the invoked ARN).
type Target struct {
	Function  Function
	Qualifier string // "" when invoked unqualified
}

// ResolveInvoke finds the version an invocation runs. For an alias with a
// routing config the version is drawn by its weights, as Lambda does. The
// Target's Function is shared with other invocations: read it only.
func (s *Service) ResolveInvoke(ctx context.Context, ref, qualifier string) (Target, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return Target{}, err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return Target{}, err
	}
	if q == "" || q == Latest || isVersionNumber(q) {
		f, err := s.loadForInvoke(ctx, r.name, cmp.Or(q, Latest))
		return Target{Function: f, Qualifier: q}, err
	}
	a, err := s.loadAlias(ctx, r.name, q)
	if err != nil {
		return Target{}, s.qualifiedNotFound(err, r.name, q)
	}
	version := a.FunctionVersion
	if p := rand.Float64(); len(a.Weights) > 0 {
		for v, w := range a.Weights {
			if p < w {
				version = v
			}
		}
	}
	f, err := s.loadForInvoke(ctx, r.name, version)
	return Target{Function: f, Qualifier: q}, err
}

// ResolvePrimary returns the version a qualifier names, taking an alias's
// primary version (not a weighted draw).
func (s *Service) ResolvePrimary(ctx context.Context, function, qualifier string) (Function, error) {
	if qualifier == "" || qualifier == Latest || isVersionNumber(qualifier) {
		return s.loadQualified(ctx, function, cmp.Or(qualifier, Latest))
	}
	a, err := s.loadAlias(ctx, function, qualifier)
	if err != nil {
		return Function{}, s.qualifiedNotFound(err, function, qualifier)
	}
	return s.loadQualified(ctx, function, a.FunctionVersion)
}

// qualifiedNotFound words a missing alias as operations that take any
// qualifier do on AWS (GetFunction, Invoke): the qualified function is not
// found.
func (s *Service) qualifiedNotFound(err error, function, qualifier string) error {
	if errors.Is(err, errNoAlias) {
		return apierror.NotFound("Function not found: %s:%s", s.FunctionARN(function), qualifier)
	}
	return err
}
