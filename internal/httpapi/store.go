package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gust/internal/store"
)

// Table is the KV table API records live in; store.CachedTable implements
// it.
type Table interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
}

// Lister lists a table's keys; store.Table implements it.
type Lister interface {
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// ErrNotFound is returned for an API that does not exist.
var ErrNotFound = errors.New("API not found")

// Store keeps APIs, one record per API.
type Store struct {
	Table Table
	Keys  Lister
}

func key(id string) string { return "api." + id }

// Get returns the API with id.
func (s *Store) Get(ctx context.Context, id string) (*API, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	rec, err := s.Table.Get(ctx, key(id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading API %s: %w", id, err)
	}
	var a API
	if err := json.Unmarshal(rec.Value, &a); err != nil {
		return nil, fmt.Errorf("decoding API %s: %w", id, err)
	}
	a.revision = rec.Revision
	return &a, nil
}

// List returns every API, ordered by id.
func (s *Store) List(ctx context.Context) ([]*API, error) {
	keys, err := s.Keys.Keys(ctx, "api.")
	if err != nil {
		return nil, fmt.Errorf("listing APIs: %w", err)
	}
	out := make([]*API, 0, len(keys))
	for _, k := range keys {
		a, err := s.Get(ctx, strings.TrimPrefix(k, "api."))
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Create stores a new API; its id is filled in.
func (s *Store) Create(ctx context.Context, a *API) error {
	a.ID = NewID(10)
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encoding API: %w", err)
	}
	if _, err := s.Table.Create(ctx, key(a.ID), b); err != nil {
		return fmt.Errorf("creating API: %w", err)
	}
	return nil
}

// Change applies change to the API with id and stores the result, retrying
// on a concurrent write. An error from change is returned as is and stores
// nothing.
func (s *Store) Change(ctx context.Context, id string, change func(*API) error) (*API, error) {
	for {
		a, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := change(a); err != nil {
			return nil, err
		}
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("encoding API: %w", err)
		}
		_, err = s.Table.Update(ctx, key(id), b, a.revision)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrNotFound
		}
		if err != nil {
			return nil, fmt.Errorf("updating API %s: %w", id, err)
		}
		return a, nil
	}
}

// Delete removes the API with id.
func (s *Store) Delete(ctx context.Context, id string) error {
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := s.Table.Delete(ctx, key(id), a.revision); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		}
		return fmt.Errorf("deleting API %s: %w", id, err)
	}
	return nil
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID is a random lower-case alphanumeric id of n characters, as API
// Gateway's (10 for APIs, 7 for routes, integrations and deployments).
func NewID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune(idChars, c) {
			return false
		}
	}
	return true
}

// Deploy snapshots a's routes, integrations and authorizers as a new
// deployment and returns it.
func (a *API) Deploy(description string, auto bool) Deployment {
	d := Deployment{
		ID: NewID(6), Description: description, AutoDeployed: auto, Status: "DEPLOYED", Created: time.Now().UTC(),
		Routes: append([]Route(nil), a.Routes...), Integrations: append([]Integration(nil), a.Integrations...),
		Authorizers: append([]Authorizer(nil), a.Authorizers...),
	}
	a.Deployments = append(a.Deployments, d)
	return d
}

// AutoDeploy deploys a's current configuration to every stage with
// AutoDeploy set, as API Gateway does after each change, and drops
// automatic deployments no stage serves any more.
func (a *API) AutoDeploy() {
	auto := false
	for _, st := range a.Stages {
		auto = auto || st.AutoDeploy
	}
	if !auto {
		return
	}
	d := a.Deploy("Automatic deployment triggered by changes to the Api configuration", true)
	now := time.Now().UTC()
	for i := range a.Stages {
		if a.Stages[i].AutoDeploy {
			a.Stages[i].DeploymentID = d.ID
			a.Stages[i].LastUpdated = now
			a.Stages[i].LastDeploymentStatusMessage = "Successfully deployed stage with deployment ID '" + d.ID + "'"
		}
	}
	a.pruneDeployments()
}

func (a *API) pruneDeployments() {
	kept := a.Deployments[:0]
	for _, d := range a.Deployments {
		used := !d.AutoDeployed
		for _, st := range a.Stages {
			used = used || st.DeploymentID == d.ID
		}
		if used {
			kept = append(kept, d)
		}
	}
	a.Deployments = kept
}

// Deployment returns the deployment with id.
func (a *API) Deployment(id string) (*Deployment, bool) {
	for i := range a.Deployments {
		if a.Deployments[i].ID == id {
			return &a.Deployments[i], true
		}
	}
	return nil, false
}
