package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"gust/internal/apierror"
	"gust/internal/store"
)

// MinUnreserved is the concurrency AWS keeps for functions without a
// reservation; reservations may not eat into it.
const MinUnreserved = 100

// reservationsKey is the one record holding every function's reserved
// concurrency, so the invoke path reads the account's whole split with one
// cached lookup.
const reservationsKey = "reservations"

type reservations struct {
	Functions map[string]int `json:"functions"`
}

// Reservations is a snapshot of reserved concurrency.
type Reservations struct {
	byFunction map[string]int
	total      int
}

// Of returns a function's reservation.
func (r Reservations) Of(function string) (int, bool) {
	n, ok := r.byFunction[function]
	return n, ok
}

// Total is the sum of all reservations.
func (r Reservations) Total() int { return r.total }

// AccountConcurrency is this account's concurrency limit.
func (s *Service) AccountConcurrency() int { return s.accountConcurrency }

// Reservations reads the current reservations.
func (s *Service) Reservations(ctx context.Context) (Reservations, error) {
	rec, _, err := s.loadReservations(ctx)
	if err != nil {
		return Reservations{}, err
	}
	r := Reservations{byFunction: rec.Functions}
	for _, n := range rec.Functions {
		r.total += n
	}
	return r, nil
}

func (s *Service) loadReservations(ctx context.Context) (reservations, uint64, error) {
	rec, err := s.settings.Get(ctx, reservationsKey)
	if errors.Is(err, store.ErrNotFound) {
		return reservations{Functions: map[string]int{}}, 0, nil
	}
	if err != nil {
		return reservations{}, 0, fmt.Errorf("loading reservations: %w", err)
	}
	var r reservations
	if err := json.Unmarshal(rec.Value, &r); err != nil {
		return reservations{}, 0, fmt.Errorf("decoding reservations: %w", err)
	}
	if r.Functions == nil {
		r.Functions = map[string]int{}
	}
	return r, rec.Revision, nil
}

// changeReservations applies change with compare-and-swap.
func (s *Service) changeReservations(ctx context.Context, change func(map[string]int) error) error {
	for {
		r, rev, err := s.loadReservations(ctx)
		if err != nil {
			return err
		}
		next := maps.Clone(r.Functions)
		if err := change(next); err != nil {
			return err
		}
		value := mustJSON(reservations{Functions: next})
		if rev == 0 {
			_, err = s.settings.Create(ctx, reservationsKey, value)
		} else {
			_, err = s.settings.Update(ctx, reservationsKey, value, rev)
		}
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) {
			continue
		}
		if err != nil {
			return fmt.Errorf("storing reservations: %w", err)
		}
		return nil
	}
}

// PutFunctionConcurrency reserves concurrency for a function; 0 stops it.
func (s *Service) PutFunctionConcurrency(ctx context.Context, ref string, n *int) (int, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return 0, err
	}
	if err := onlyUnqualified(r); err != nil {
		return 0, err
	}
	if n == nil {
		return 0, validationError("null", "reservedConcurrentExecutions", "Member must not be null")
	}
	if *n < 0 {
		return 0, validationError(*n, "reservedConcurrentExecutions", "Member must have value greater than or equal to 0")
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return 0, err
	}
	provisioned, err := s.listProvisioned(ctx, r.name)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, c := range provisioned {
		total += c.Requested
	}
	if *n < total {
		return 0, apierror.InvalidParameter("ReservedConcurrentExecutions %d should not be lower than function's total provisioned concurrency [%d].", *n, total)
	}
	err = s.changeReservations(ctx, func(m map[string]int) error {
		others := 0
		for fn, v := range m {
			if fn != r.name {
				others += v
			}
		}
		if s.accountConcurrency-others-*n < MinUnreserved {
			return apierror.InvalidParameter("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", MinUnreserved)
		}
		m[r.name] = *n
		return nil
	})
	return *n, err
}

// GetFunctionConcurrency returns a function's reservation, if any.
func (s *Service) GetFunctionConcurrency(ctx context.Context, ref string) (int, bool, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return 0, false, err
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return 0, false, err
	}
	res, err := s.Reservations(ctx)
	if err != nil {
		return 0, false, err
	}
	n, ok := res.Of(r.name)
	return n, ok, nil
}

// DeleteFunctionConcurrency removes a function's reservation.
func (s *Service) DeleteFunctionConcurrency(ctx context.Context, ref string) error {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return err
	}
	if err := onlyUnqualified(r); err != nil {
		return err
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return err
	}
	return s.dropReservation(ctx, r.name)
}

func (s *Service) dropReservation(ctx context.Context, name string) error {
	return s.changeReservations(ctx, func(m map[string]int) error {
		delete(m, name)
		return nil
	})
}

func onlyUnqualified(r functionRef) error {
	if r.qualifier != "" {
		return apierror.InvalidParameter("This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.")
	}
	return nil
}
