package apierror

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestCodesMatchByType(t *testing.T) {
	err := fmt.Errorf("loading: %w", NotFound("Function not found: %s", "arn"))
	if !errors.Is(err, ResourceNotFoundException) || errors.Is(err, ServiceException) {
		t.Errorf("%v: matches the wrong codes", err)
	}
	if !errors.Is(As(errors.New("disk on fire")), ServiceException) {
		t.Error("As of a plain error is not a ServiceException")
	}
	if errors.Is(errors.New("ResourceNotFoundException"), ResourceNotFoundException) {
		t.Error("a plain error with the type's text matches")
	}
}

func TestStatusAndFault(t *testing.T) {
	for _, tc := range []struct {
		err    *Error
		status int
		fault  string
	}{
		{NotFound("x"), http.StatusNotFound, "User"},
		{InvalidParameter("x"), http.StatusBadRequest, "User"},
		{TooLarge("x"), http.StatusRequestEntityTooLarge, "User"},
		{Service("x"), http.StatusInternalServerError, "Server"},
		{New("NoSuchBucket", "x").WithStatus(http.StatusNotFound), http.StatusNotFound, "User"},
		{New("SomethingUnlisted", "x"), http.StatusBadRequest, "User"},
	} {
		if got := tc.err.Status(); got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.err.Type, got, tc.status)
		}
		if got := tc.err.Fault(); got != tc.fault {
			t.Errorf("%s: fault %q, want %q", tc.err.Type, got, tc.fault)
		}
	}
}
