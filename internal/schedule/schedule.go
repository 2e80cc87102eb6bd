package schedule

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Schedule gives the fire times of an expression.
type Schedule interface {
	// Next is the first fire time strictly after t, or the zero time when
	// there is none (a cron whose years are past).
	Next(t time.Time) time.Time
}

// Parse parses "rate(value unit)" or "cron(m h dom mon dow year)". A rate
// counts from anchor (the rule's creation), as EventBridge's rates count
// from when the rule was created.
func Parse(expr string, anchor time.Time) (Schedule, error) {
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		return parseRate(expr[5:len(expr)-1], anchor)
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return ParseCron(expr[5 : len(expr)-1])
	}
	return nil, fmt.Errorf("parameter ScheduleExpression is not valid: want rate(...) or cron(...), got %q", expr)
}

var ratePattern = regexp.MustCompile(`^([0-9]+) (minute|minutes|hour|hours|day|days)$`)

// Rate fires every Period from Anchor.
type Rate struct {
	Anchor time.Time
	Period time.Duration
}

func parseRate(s string, anchor time.Time) (Schedule, error) {
	m := ratePattern.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("parameter ScheduleExpression is not valid: rate(%s): want rate(value unit), unit minute(s), hour(s) or day(s)", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return nil, fmt.Errorf("parameter ScheduleExpression is not valid: rate(%s): value must be a positive whole number", s)
	}
	unit := strings.TrimSuffix(m[2], "s")
	if (n == 1) != (unit == m[2]) {
		return nil, fmt.Errorf("parameter ScheduleExpression is not valid: rate(%s): use the singular unit for 1 and the plural otherwise", s)
	}
	d := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[unit]
	return Rate{Anchor: anchor.UTC().Truncate(time.Minute), Period: time.Duration(n) * d}, nil
}

// Next implements Schedule.
func (r Rate) Next(t time.Time) time.Time {
	if t.Before(r.Anchor) {
		return r.Anchor.Add(r.Period)
	}
	k := t.Sub(r.Anchor)/r.Period + 1
	return r.Anchor.Add(k * r.Period)
}
