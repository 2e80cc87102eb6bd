package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cron is a parsed six-field EventBridge cron expression:
// minutes hours day-of-month month day-of-week year, in UTC.
type Cron struct {
	minutes, hours, months, years bitset
	dom                           dayOfMonth
	dow                           dayOfWeek
}

type bitset map[int]bool

// dayOfMonth: any ('?' or '*'), a set, the last day (L), the weekday
// nearest a day (nW) or the last weekday (LW).
type dayOfMonth struct {
	any      bool
	days     bitset
	last     bool
	nearest  int // nW; 0 = none
	lastWeek bool
}

// dayOfWeek: any, a set (1 = SUN ... 7 = SAT), the last given weekday of the
// month (nL) or the k-th given weekday (n#k).
type dayOfWeek struct {
	any     bool
	days    bitset
	lastOf  int // nL; 0 = none
	nth     int // n#k: the weekday n ...
	nthWeek int // ... in week k
}

const (
	minYear = 1970
	maxYear = 2199
)

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

func invalid(expr, format string, args ...any) error {
	return fmt.Errorf("parameter ScheduleExpression is not valid: cron(%s): %s", expr, fmt.Sprintf(format, args...))
}

// ParseCron parses the inside of cron(...).
func ParseCron(expr string) (*Cron, error) {
	f := strings.Fields(expr)
	if len(f) != 6 {
		return nil, invalid(expr, "want six fields (minutes hours day-of-month month day-of-week year), got %d", len(f))
	}
	c := &Cron{}
	var err error
	if c.minutes, err = parseList(f[0], 0, 59, nil); err != nil {
		return nil, invalid(expr, "minutes: %v", err)
	}
	if c.hours, err = parseList(f[1], 0, 23, nil); err != nil {
		return nil, invalid(expr, "hours: %v", err)
	}
	if c.months, err = parseList(f[3], 1, 12, monthNames); err != nil {
		return nil, invalid(expr, "month: %v", err)
	}
	if c.years, err = parseList(f[5], minYear, maxYear, nil); err != nil {
		return nil, invalid(expr, "year: %v", err)
	}
	if c.dom, err = parseDOM(f[2]); err != nil {
		return nil, invalid(expr, "day-of-month: %v", err)
	}
	if c.dow, err = parseDOW(f[4]); err != nil {
		return nil, invalid(expr, "day-of-week: %v", err)
	}
	if (f[2] == "?") == (f[4] == "?") {
		return nil, invalid(expr, "exactly one of day-of-month and day-of-week must be ?")
	}
	return c, nil
}

func parseDOM(s string) (dayOfMonth, error) {
	switch {
	case s == "?" || s == "*":
		return dayOfMonth{any: true}, nil
	case s == "L":
		return dayOfMonth{last: true}, nil
	case s == "LW":
		return dayOfMonth{lastWeek: true}, nil
	case strings.HasSuffix(s, "W"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "W"))
		if err != nil || n < 1 || n > 31 {
			return dayOfMonth{}, fmt.Errorf("%q: W needs a day 1-31, as in 3W", s)
		}
		return dayOfMonth{nearest: n}, nil
	}
	days, err := parseList(s, 1, 31, nil)
	return dayOfMonth{days: days}, err
}

func parseDOW(s string) (dayOfWeek, error) {
	switch {
	case s == "?" || s == "*":
		return dayOfWeek{any: true}, nil
	case s == "L":
		return dayOfWeek{days: bitset{7: true}}, nil // the last day of the week
	case strings.HasSuffix(s, "L"):
		n, err := value(strings.TrimSuffix(s, "L"), 1, 7, dayNames)
		if err != nil {
			return dayOfWeek{}, fmt.Errorf("%q: L needs a weekday, as in 6L: %v", s, err)
		}
		return dayOfWeek{lastOf: n}, nil
	case strings.Contains(s, "#"):
		d, k, _ := strings.Cut(s, "#")
		n, err := value(d, 1, 7, dayNames)
		if err != nil {
			return dayOfWeek{}, fmt.Errorf("%q: %v", s, err)
		}
		week, err := strconv.Atoi(k)
		if err != nil || week < 1 || week > 5 {
			return dayOfWeek{}, fmt.Errorf("%q: # needs a week 1-5, as in 3#2", s)
		}
		return dayOfWeek{nth: n, nthWeek: week}, nil
	}
	days, err := parseList(s, 1, 7, dayNames)
	return dayOfWeek{days: days}, err
}

// parseList parses "*", a value, a range a-b, a step (*/n, a/n, a-b/n) and
// comma-separated lists of those.
func parseList(s string, lo, hi int, names map[string]int) (bitset, error) {
	set := bitset{}
	for _, part := range strings.Split(s, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%q: bad step", part)
			}
			step = n
		}
		from, to := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if from, err = value(a, lo, hi, names); err != nil {
				return nil, err
			}
			if to, err = value(b, lo, hi, names); err != nil {
				return nil, err
			}
			if to < from {
				return nil, fmt.Errorf("%q: range runs backwards", part)
			}
		default:
			v, err := value(rng, lo, hi, names)
			if err != nil {
				return nil, err
			}
			from = v
			if !hasStep {
				to = v
			}
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return set, nil
}

func value(s string, lo, hi int, names map[string]int) (int, error) {
	if v, ok := names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a value", s)
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%d is outside %d-%d", v, lo, hi)
	}
	return v, nil
}

// Next implements Schedule.
func (c *Cron) Next(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for ; day.Year() <= maxYear; day = day.AddDate(0, 0, 1) {
		if !c.years[day.Year()] {
			if day.Year() > c.lastYear() {
				return time.Time{}
			}
			day = time.Date(day.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
			continue
		}
		if !c.months[int(day.Month())] || !c.dayMatches(day) {
			continue
		}
		for h := 0; h < 24; h++ {
			if !c.hours[h] {
				continue
			}
			for m := 0; m < 60; m++ {
				if c.minutes[m] {
					at := day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
					if !at.Before(t) {
						return at
					}
				}
			}
		}
	}
	return time.Time{}
}

func (c *Cron) lastYear() int {
	last := 0
	for y := range c.years {
		last = max(last, y)
	}
	return last
}

func (c *Cron) dayMatches(day time.Time) bool {
	return c.domMatches(day) && c.dowMatches(day)
}

func lastDay(day time.Time) int {
	return time.Date(day.Year(), day.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (c *Cron) domMatches(day time.Time) bool {
	d := c.dom
	switch {
	case d.any:
		return true
	case d.last:
		return day.Day() == lastDay(day)
	case d.lastWeek:
		return day.Day() == nearestWeekday(day, lastDay(day))
	case d.nearest > 0:
		return day.Day() == nearestWeekday(day, min(d.nearest, lastDay(day)))
	}
	return d.days[day.Day()]
}

// nearestWeekday is the weekday nearest day n of day's month, never
// crossing into another month (as in Quartz, which EventBridge follows).
func nearestWeekday(day time.Time, n int) int {
	at := time.Date(day.Year(), day.Month(), n, 0, 0, 0, 0, time.UTC)
	switch at.Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == lastDay(day) {
			return n - 2
		}
		return n + 1
	}
	return n
}

func (c *Cron) dowMatches(day time.Time) bool {
	d := c.dow
	wd := int(day.Weekday()) + 1 // 1 = SUN
	switch {
	case d.any:
		return true
	case d.lastOf > 0:
		return wd == d.lastOf && day.Day()+7 > lastDay(day)
	case d.nth > 0:
		return wd == d.nth && (day.Day()-1)/7+1 == d.nthWeek
	}
	return d.days[wd]
}
