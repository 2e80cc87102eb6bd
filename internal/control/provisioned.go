package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gust/internal/apierror"
	"gust/internal/store"
)

// ProvisionedConfig asks for environments initialised ahead of
// invocations for one version or alias.
type ProvisionedConfig struct {
	Function     string    `json:"function"`
	Qualifier    string    `json:"qualifier"`
	Requested    int       `json:"requested"`
	LastModified time.Time `json:"lastModified"`
}

func provisionedNotFound() error {
	return apierror.New("ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function")
}

// AWS's answers to $LATEST as a provisioned concurrency target: one for
// Put, one for Get and Delete.
const (
	latestNotPutMsg  = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
	latestNotReadMsg = "The function resource provided must be an alias or a published version."
)

// provisionedTarget checks the qualifier names a published version or an
// alias of an existing function; latestMsg is the refusal of $LATEST.
func (s *Service) provisionedTarget(ctx context.Context, ref, qualifier, latestMsg string) (string, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", "", err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return "", "", err
	}
	switch {
	case q == "":
		return "", "", validationError("null", "qualifier", "Member must not be null")
	case q == Latest:
		return "", "", apierror.InvalidParameter("%s", latestMsg)
	}
	return r.name, q, s.qualifierExists(ctx, r.name, q)
}

// PutProvisionedConcurrency sets how many environments a version or alias
// keeps initialised.
func (s *Service) PutProvisionedConcurrency(ctx context.Context, ref, qualifier string, n *int) (ProvisionedConfig, error) {
	name, q, err := s.provisionedTarget(ctx, ref, qualifier, latestNotPutMsg)
	if err != nil {
		return ProvisionedConfig{}, err
	}
	if n == nil {
		return ProvisionedConfig{}, validationError("null", "provisionedConcurrentExecutions", "Member must not be null")
	}
	if *n < 1 {
		return ProvisionedConfig{}, validationError(*n, "provisionedConcurrentExecutions", "Member must have value greater than or equal to 1")
	}
	others := 0
	all, err := s.listProvisioned(ctx, name)
	if err != nil {
		return ProvisionedConfig{}, err
	}
	for _, c := range all {
		if c.Qualifier != q {
			others += c.Requested
		}
	}
	if err := s.provisionedOverlap(ctx, name, q, all); err != nil {
		return ProvisionedConfig{}, err
	}
	res, err := s.Reservations(ctx)
	if err != nil {
		return ProvisionedConfig{}, err
	}
	if reserved, ok := res.Of(name); ok && others+*n > reserved {
		return ProvisionedConfig{}, apierror.InvalidParameter("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")
	}
	if !hasReservation(res, name) && s.accountConcurrency-res.Total()-others-*n < MinUnreserved {
		return ProvisionedConfig{}, apierror.InvalidParameter("Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [%d].", s.accountConcurrency-res.Total()-MinUnreserved)
	}
	c := ProvisionedConfig{Function: name, Qualifier: q, Requested: *n, LastModified: s.now()}
	if err := upsert(ctx, s.provisioned, name+"."+q, mustJSON(c)); err != nil {
		return ProvisionedConfig{}, fmt.Errorf("storing provisioned concurrency: %w", err)
	}
	return c, nil
}

// provisionedOverlap refuses provisioning an alias and the version it
// points to at once, as AWS does (409).
func (s *Service) provisionedOverlap(ctx context.Context, name, q string, all []ProvisionedConfig) error {
	versionOf := func(qualifier string) string {
		if isVersionNumber(qualifier) {
			return qualifier
		}
		if a, err := s.loadAlias(ctx, name, qualifier); err == nil {
			return a.FunctionVersion
		}
		return ""
	}
	mine := versionOf(q)
	for _, c := range all {
		if c.Qualifier == q || versionOf(c.Qualifier) != mine {
			continue
		}
		if isVersionNumber(q) {
			return apierror.Conflict("Version is pointed by a Provisioned Concurrency alias")
		}
		return apierror.Conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
	}
	return nil
}

func hasReservation(r Reservations, name string) bool {
	_, ok := r.Of(name)
	return ok
}

func (s *Service) loadProvisioned(ctx context.Context, key string) (ProvisionedConfig, error) {
	rec, err := s.provisioned.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return ProvisionedConfig{}, provisionedNotFound()
	}
	if err != nil {
		return ProvisionedConfig{}, fmt.Errorf("loading provisioned concurrency: %w", err)
	}
	var c ProvisionedConfig
	if err := json.Unmarshal(rec.Value, &c); err != nil {
		return ProvisionedConfig{}, fmt.Errorf("decoding provisioned concurrency: %w", err)
	}
	return c, nil
}

// GetProvisionedConcurrency returns a version's or alias's config.
func (s *Service) GetProvisionedConcurrency(ctx context.Context, ref, qualifier string) (ProvisionedConfig, error) {
	name, q, err := s.provisionedTarget(ctx, ref, qualifier, latestNotReadMsg)
	if err != nil {
		return ProvisionedConfig{}, err
	}
	return s.loadProvisioned(ctx, name+"."+q)
}

// DeleteProvisionedConcurrency removes a version's or alias's config;
// deleting none succeeds, as on AWS.
func (s *Service) DeleteProvisionedConcurrency(ctx context.Context, ref, qualifier string) error {
	name, q, err := s.provisionedTarget(ctx, ref, qualifier, latestNotReadMsg)
	if err != nil {
		return err
	}
	if err := s.provisioned.Delete(ctx, name+"."+q, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting provisioned concurrency: %w", err)
	}
	return nil
}

func (s *Service) listProvisioned(ctx context.Context, prefix string) ([]ProvisionedConfig, error) {
	if prefix != "" {
		prefix += "."
	}
	keys, err := s.provisioned.Keys(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("listing provisioned concurrency: %w", err)
	}
	out := make([]ProvisionedConfig, 0, len(keys))
	for _, k := range keys {
		if c, err := s.loadProvisioned(ctx, k); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// ListProvisionedConcurrency lists a function's configs.
func (s *Service) ListProvisionedConcurrency(ctx context.Context, ref, marker string, maxItems int) ([]ProvisionedConfig, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return nil, "", err
	}
	all, err := s.listProvisioned(ctx, r.name)
	if err != nil {
		return nil, "", err
	}
	byQualifier := map[string]ProvisionedConfig{}
	var qs []string
	for _, c := range all {
		byQualifier[c.Qualifier] = c
		qs = append(qs, c.Qualifier)
	}
	page, next, err := paginate(qs, marker, maxItems, byName)
	if err != nil {
		return nil, "", err
	}
	out := make([]ProvisionedConfig, len(page))
	for i, q := range page {
		out[i] = byQualifier[q]
	}
	return out, next, nil
}

// AllProvisioned lists every provisioned concurrency config, for the
// component that keeps the environments.
func (s *Service) AllProvisioned(ctx context.Context) ([]ProvisionedConfig, error) {
	return s.listProvisioned(ctx, "")
}
