// Package keepalive decides, per function, how long an idle execution
// environment is worth keeping and when one is worth re-creating before it
// is asked for.
//
// It follows the hybrid histogram policy of Shahrad et al., "Serverless in
// the Wild" (USENIX ATC 2020). For every function the Policy keeps a
// histogram of idle times, the time from the end of one invocation to the
// start of the next, in Bin-wide bins up to Range (1 minute and 4 hours by
// default). After each invocation Windows answers with one of three
// decisions, named by its Basis:
//
//   - BasisHistogram: the histogram holds at least MinSamples idle times
//     and is not flat (the coefficient of variation of its bin counts is at
//     least CVThreshold). PreWarm is the lower edge of the bin holding the
//     5th percentile minus Margin; PreWarm+KeepAlive is the upper edge of
//     the bin holding the 99th percentile plus Margin. A function called
//     every 15 minutes gets PreWarm ≈ 12.6 min, KeepAlive ≈ 3.9 min: its
//     environment is unloaded right after each invocation and re-created
//     just before the next one. When the 5th percentile falls in the first
//     bin, PreWarm is 0 and the environment simply stays loaded.
//   - BasisOutOfBounds: at least OOBThreshold of the idle times were
//     Range or longer, so the histogram cannot describe them. The paper
//     forecasts those with ARIMA; this package uses the median of the
//     latest out-of-bound idle times instead (see below).
//   - BasisDefault: anything else (a new function, too few samples, a flat
//     histogram, out-of-bound idle times that do not agree): no pre-warm
//     and a fixed KeepAlive of Default, Gust's --idle-timeout.
//
// # Out-of-bound idle times
//
// Functions idle for longer than Range are mostly timers (every 6 hours,
// daily) whose idle time barely varies. For those, ARIMA's forecast is
// essentially the recent level, and fitting it needs a numerical library
// and can fail on short or constant series. The Policy keeps the last 8
// out-of-bound idle times; once it has 3, it takes their median and the
// ones within OOBMargin (15%, the paper's ARIMA margin) of it. If those
// agreeing ones are a majority, the window spans them, widened on each side
// by Margin of their spread plus one Bin. If they are not, the function is
// not predictable and gets the default. The paper's window of ±15% around
// the forecast would keep a daily function's environment idle for 7 hours
// to save one cold start; spanning what was observed keeps a cron job's
// window to a few minutes and still widens for jobs that wander.
//
// # Memory and ageing
//
// A function's state is a fixed array of Range/Bin counters (240 by
// default, under 1 KiB) and 8 durations. At most MaxFunctions functions
// are tracked; the one invoked least recently is forgotten first. When a
// function has recorded MaxSamples idle times all its counts are halved,
// so that old behaviour fades and a function that changes its rhythm is
// followed. The paper's histograms never age; a long-running server needs
// them to.
//
// # Out of scope
//
// The Policy only answers questions. It does not start, stop or pre-warm
// environments, owns no goroutines or timers and reads no clock: callers
// pass the start and end of each invocation and act on the Windows
// themselves (package envs does). It keeps one rhythm per function, not
// per version or per concurrent environment, and persists nothing: after a
// restart every function starts again from the default.
package keepalive
