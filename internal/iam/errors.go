package iam

import (
	"fmt"
	"net/http"

	"gust/internal/apierror"
)

// IAM's errors, with the statuses its model gives them.
func noSuchEntity(format string, args ...any) *apierror.Error {
	return apierror.New("NoSuchEntity", format, args...).WithStatus(http.StatusNotFound)
}

func alreadyExists(format string, args ...any) *apierror.Error {
	return apierror.New("EntityAlreadyExists", format, args...).WithStatus(http.StatusConflict)
}

func deleteConflict(format string, args ...any) *apierror.Error {
	return apierror.New("DeleteConflict", format, args...).WithStatus(http.StatusConflict)
}

func limitExceeded(format string, args ...any) *apierror.Error {
	return apierror.New("LimitExceeded", format, args...).WithStatus(http.StatusConflict)
}

func malformedPolicy(msg string) *apierror.Error {
	return apierror.New("MalformedPolicyDocument", "%s", msg).WithStatus(http.StatusBadRequest)
}

func invalidInput(format string, args ...any) *apierror.Error {
	return apierror.New("InvalidInput", format, args...).WithStatus(http.StatusBadRequest)
}

// validation is AWS's "1 validation error detected" ValidationError.
func validation(value any, member, constraint string) *apierror.Error {
	v := "null"
	if s, ok := value.(string); ok {
		v = "'" + s + "'"
	} else if value != nil {
		v = fmt.Sprintf("'%v'", value)
	}
	return apierror.New("ValidationError", "1 validation error detected: Value %s at '%s' failed to satisfy constraint: %s", v, member, constraint).
		WithStatus(http.StatusBadRequest)
}
