package rules

import "time"

// Clock tells the time; tests may give their own.
type Clock interface{ Now() time.Time }

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// ScaledClock is a clock Gust controls: from the moment it is made it runs
// speed times as fast as the wall clock (speed 1 is the wall clock). The
// server's --schedule-speed gives one to its scheduler, so that end-to-end
// tests and demonstrations see minute schedules fire within seconds.
// Rules keep their wall-clock timestamps: time as the scheduler sees it is
// never behind the wall clock.
type ScaledClock struct {
	start time.Time
	speed float64
	wall  func() time.Time
}

// NewScaledClock starts a clock running speed (≥ 1) times as fast as
// wall (nil: time.Now).
func NewScaledClock(speed float64, wall func() time.Time) *ScaledClock {
	if wall == nil {
		wall = time.Now
	}
	return &ScaledClock{start: wall(), speed: max(speed, 1), wall: wall}
}

// Now is the start plus the wall time since, times speed.
func (c *ScaledClock) Now() time.Time {
	elapsed := c.wall().Sub(c.start)
	return c.start.Add(time.Duration(float64(elapsed) * c.speed))
}
