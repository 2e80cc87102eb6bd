package lambda

import (
	"net/http"
	"strconv"

	"gust/internal/apierror"
)

// maxItemsParam reads the MaxItems query parameter (0 when absent).
func maxItemsParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("MaxItems")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 10000 {
		return 0, apierror.Validation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", s)
	}
	return n, nil
}
