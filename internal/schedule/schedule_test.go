package schedule

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	anchor := at("2026-01-01 10:00")
	cases := []struct {
		expr, after string
		want        []string
	}{
		{"rate(1 minute)", "2026-01-01 10:00", []string{"2026-01-01 10:01", "2026-01-01 10:02"}},
		{"rate(5 minutes)", "2026-01-01 10:07", []string{"2026-01-01 10:10", "2026-01-01 10:15"}},
		{"rate(2 hours)", "2026-01-01 09:00", []string{"2026-01-01 12:00", "2026-01-01 14:00"}},
		{"rate(1 day)", "2026-01-01 10:00", []string{"2026-01-02 10:00"}},
		{"cron(0 10 * * ? *)", "2026-03-04 10:00", []string{"2026-03-05 10:00", "2026-03-06 10:00"}},
		{"cron(15 12 * * ? *)", "2026-03-04 12:14", []string{"2026-03-04 12:15"}},
		{"cron(0/15 * * * ? *)", "2026-03-04 12:14", []string{"2026-03-04 12:15", "2026-03-04 12:30", "2026-03-04 12:45", "2026-03-04 13:00"}},
		{"cron(0 18 ? * MON-FRI *)", "2026-11-27 18:00", []string{"2026-11-30 18:00", "2026-12-01 18:00"}}, // Fri -> Mon
		{"cron(0 8 1 * ? *)", "2026-01-15 00:00", []string{"2026-02-01 08:00", "2026-03-01 08:00"}},
		{"cron(0 0 L * ? *)", "2028-02-01 00:00", []string{"2028-02-29 00:00", "2028-03-31 00:00"}},
		{"cron(0 0 LW * ? *)", "2026-05-01 00:00", []string{"2026-05-29 00:00"}},  // May 31 2026 is a Sunday
		{"cron(0 0 15W * ? *)", "2026-08-01 00:00", []string{"2026-08-14 00:00"}}, // Aug 15 2026 is a Saturday
		{"cron(0 0 1W * ? *)", "2026-08-01 00:00", []string{"2026-08-03 00:00"}},  // Aug 1 2026 is a Saturday
		{"cron(0 12 ? * 6L *)", "2026-11-01 00:00", []string{"2026-11-27 12:00", "2026-12-25 12:00"}},
		{"cron(0 12 ? * 3#2 *)", "2026-11-01 00:00", []string{"2026-11-10 12:00", "2026-12-08 12:00"}},
		{"cron(0 12 ? * L *)", "2026-11-27 00:00", []string{"2026-11-28 12:00"}},
		{"cron(0,30 9-10 ? * SUN *)", "2026-11-27 00:00", []string{"2026-11-29 09:00", "2026-11-29 09:30", "2026-11-29 10:00", "2026-11-29 10:30", "2026-12-06 09:00"}},
		{"cron(0 0 1 JAN,JUL ? 2027-2028)", "2026-11-27 00:00", []string{"2027-01-01 00:00", "2027-07-01 00:00", "2028-01-01 00:00", "2028-07-01 00:00", ""}},
		{"cron(* * * * ? *)", "2026-11-27 23:59", []string{"2026-11-28 00:00", "2026-11-28 00:01"}},
	}
	for _, c := range cases {
		s, err := Parse(c.expr, anchor)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		got := at(c.after)
		for _, w := range c.want {
			got = s.Next(got)
			if w == "" {
				if !got.IsZero() {
					t.Errorf("%s: want no more fires, got %v", c.expr, got)
				}
				break
			}
			if !got.Equal(at(w)) {
				t.Errorf("%s after %s: got %v, want %s", c.expr, c.after, got, w)
				break
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, expr := range []string{
		"", "rate()", "rate(0 minutes)", "rate(1 minutes)", "rate(5 minute)", "rate(1 second)", "rate(-1 hours)",
		"cron(* * * * *)", "cron(0 10 * * * *)", "cron(0 10 ? * ? *)", "cron(60 * * * ? *)", "cron(0 24 * * ? *)",
		"cron(0 0 32 * ? *)", "cron(0 0 ? 13 * *)", "cron(0 0 ? * 8 *)", "cron(0 0 ? * 2#6 *)", "cron(0 0 0W * ? *)",
		"cron(0 0 5-1 * ? *)", "cron(0/0 * * * ? *)", "cron(0 0 * * ? 1969)", "cron(0 0 * * ? 2200)", "at(2026-01-01T00:00:00)",
		"cron(0 0 * FOO ? *)",
	} {
		if _, err := Parse(expr, time.Now()); err == nil || !strings.Contains(err.Error(), "ScheduleExpression is not valid") {
			t.Errorf("%q: want an error, got %v", expr, err)
		}
	}
}
