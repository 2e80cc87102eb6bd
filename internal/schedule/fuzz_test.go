package schedule

import (
	"testing"
	"time"
)

// FuzzParse: any expression either fails to parse or gives fire times
// strictly after the time asked about.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"rate(5 minutes)", "cron(0/15 * * * ? *)", "cron(0 12 ? * 6L *)", "cron(0 0 LW * ? 2030)", "cron(0 0 ? * 3#2 *)"} {
		f.Add(s)
	}
	from := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := Parse(expr, from)
		if err != nil {
			return
		}
		at := from
		for range 3 {
			next := s.Next(at)
			if next.IsZero() {
				return
			}
			if !next.After(at) {
				t.Fatalf("%q: Next(%v) = %v", expr, at, next)
			}
			at = next
		}
	})
}
