package invoke

import (
	"sync"

	"gust/internal/apierror"
	"gust/internal/control"
)

// admission applies Lambda's concurrency model: a function with reserved
// concurrency runs at most that many at once, in capacity set aside for it;
// every other function shares what the account limit leaves unreserved.
type admission struct {
	mu          sync.Mutex
	perFunction map[string]int // in flight, for functions with a reservation
	unreserved  int            // in flight, for the rest
	limit       int
}

func newAdmission(limit int) *admission {
	return &admission{perFunction: map[string]int{}, limit: limit}
}

// admit takes a slot for function or returns Lambda's throttle; release
// gives the slot back.
func (a *admission) admit(function string, res control.Reservations) (release func(), err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if reserved, ok := res.Of(function); ok {
		if a.perFunction[function] >= reserved {
			return nil, apierror.TooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded", "Rate Exceeded.")
		}
		a.perFunction[function]++
		return func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			if a.perFunction[function]--; a.perFunction[function] <= 0 {
				delete(a.perFunction, function)
			}
		}, nil
	}
	if a.unreserved >= a.limit-res.Total() {
		return nil, apierror.TooManyRequests("ConcurrentInvocationLimitExceeded", "Rate Exceeded.")
	}
	a.unreserved++
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.unreserved--
	}, nil
}
