package iam

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"gust/internal/store"
)

// AccessKey is an IAM user's long-term key pair.
type AccessKey struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	UserName        string    `json:"userName"`
	Status          string    `json:"status"`
	CreateDate      time.Time `json:"createDate"`
}

// CreateAccessKey makes a new key pair for user (at most two per user).
func (s *Service) CreateAccessKey(ctx context.Context, user string) (AccessKey, error) {
	e, err := s.load(ctx, userKind, user)
	if err != nil {
		return AccessKey{}, err
	}
	keys, err := s.ListAccessKeys(ctx, e.Name)
	if err != nil {
		return AccessKey{}, err
	}
	if len(keys) >= maxAccessKeys {
		return AccessKey{}, limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeys)
	}
	secret := make([]byte, 30)
	_, _ = rand.Read(secret)
	k := AccessKey{AccessKeyID: newID("AKIA")[:20], SecretAccessKey: base64.StdEncoding.EncodeToString(secret)[:40],
		UserName: e.Name, Status: "Active", CreateDate: s.now()}
	b, _ := json.Marshal(k)
	if _, err := s.tables.Keys.Create(ctx, k.AccessKeyID, b); err != nil {
		return AccessKey{}, fmt.Errorf("storing access key: %w", err)
	}
	return k, nil
}

// ListAccessKeys lists user's keys (secrets cleared).
func (s *Service) ListAccessKeys(ctx context.Context, user string) ([]AccessKey, error) {
	e, err := s.load(ctx, userKind, user)
	if err != nil {
		return nil, err
	}
	all, err := listEntities[AccessKey](ctx, s.tables.Keys)
	if err != nil {
		return nil, err
	}
	out := []AccessKey{}
	for _, k := range all {
		if k.UserName == e.Name {
			k.SecretAccessKey = ""
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreateDate.Before(out[j].CreateDate) })
	return out, nil
}

// DeleteAccessKey deletes one of user's keys.
func (s *Service) DeleteAccessKey(ctx context.Context, user, id string) error {
	if len(id) < 16 || len(id) > 128 {
		return validation(id, "accessKeyId", "Member must have length between 16 and 128")
	}
	e, err := s.load(ctx, userKind, user)
	if err != nil {
		return err
	}
	rec, err := s.tables.Keys.Get(ctx, id)
	notFound := noSuchEntity("The Access Key with id %s cannot be found.", id)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalidKey) {
		return notFound
	}
	if err != nil {
		return err
	}
	var k AccessKey
	if err := json.Unmarshal(rec.Value, &k); err != nil {
		return err
	}
	if k.UserName != e.Name {
		return notFound
	}
	if err := s.tables.Keys.Delete(ctx, id, rec.Revision); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting access key: %w", err)
	}
	s.invalidate()
	return nil
}

// userKey finds an active access key.
func (s *Service) userKey(ctx context.Context, id string) (AccessKey, bool) {
	if !store.ValidKey(id) {
		return AccessKey{}, false
	}
	rec, err := s.tables.Keys.Get(ctx, id)
	if err != nil {
		return AccessKey{}, false
	}
	var k AccessKey
	if json.Unmarshal(rec.Value, &k) != nil || k.Status != "Active" {
		return AccessKey{}, false
	}
	return k, true
}

// Lookup is sigv4's Lookup for IAM users' keys; active keys are
// remembered until the IAM tables change.
func (s *Service) Lookup(id string) (string, bool) {
	s.mu.Lock()
	k, ok := s.keys[id]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return k.SecretAccessKey, true
	}
	k, ok = s.userKey(context.Background(), id)
	if ok {
		s.mu.Lock()
		if s.gen == gen {
			s.keys[id] = k
		}
		s.mu.Unlock()
	}
	return k.SecretAccessKey, ok
}
