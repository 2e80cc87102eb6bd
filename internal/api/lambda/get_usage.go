package lambda

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"gust/internal/apierror"
	"gust/internal/telemetry/metering"
)

// Usage reports metered usage; metering.Meter implements it.
type Usage interface {
	Usage(ctx context.Context, start, end time.Time) (metering.Report, error)
}

// getUsage serves Gust's own GET /gust/v1/usage?start=&end= (RFC 3339 or
// Unix seconds, both optional): requests, billed milliseconds, GB-seconds
// and their price per function.
func (a *API) getUsage(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if a.usage == nil {
		return apierror.New("UnknownOperationException", "Usage is not metered by this server.")
	}
	q := r.URL.Query()
	start, err := parseTime("start", q.Get("start"))
	if err != nil {
		return err
	}
	end, err := parseTime("end", q.Get("end"))
	if err != nil {
		return err
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		return apierror.InvalidParameter("end must be after start.")
	}
	report, err := a.usage.Usage(r.Context(), start, end)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, report)
	return nil
}

func parseTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(secs, 0), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, apierror.InvalidParameter("%s must be an RFC 3339 time or Unix seconds: %q", name, v)
	}
	return t, nil
}
