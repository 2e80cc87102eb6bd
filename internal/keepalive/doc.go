// Package keepalive decides, per function, how long an idle execution
// environment is worth keeping and when one is worth re-creating before it
// is asked for.
//
// It follows the hybrid histogram policy of Shahrad et al., "Serverless in
// the Wild" (USENIX ATC 2020). For every function the Policy keeps a
// histogram of idle times, the time from the end of one invocation to the
// start of the next, in Bin-wide bins up to Range (1 minute and 4 hours by
// default). After each invocation it chooses the Windows that follow,
// naming the rule that chose them in Windows.Basis:
//
//   - BasisHistogram: the histogram holds at least MinSamples idle times
//     and is not flat (the coefficient of variation of its bin counts is at
//     least CVThreshold). PreWarm is the lower edge of the bin holding the
//     5th percentile, less Margin; PreWarm+KeepAlive is the upper edge of
//     the bin holding the 99th percentile, plus Margin. A function that runs
//     for a few seconds every 15 minutes gets PreWarm 12m36s and KeepAlive
//     3m54s: its
//     environment is unloaded after each invocation and re-created shortly
//     before the next. When the 5th percentile falls in the first bin,
//     PreWarm is 0 and the environment simply stays loaded.
//   - BasisOutOfBounds: at least OOBThreshold of the idle times were Range
//     or longer, so the histogram cannot describe them. The paper
//     forecasts those with ARIMA; this package uses the latest ones instead
//     (see below).
//   - BasisDefault: anything else, including a new function, too few
//     samples, a flat histogram, and long idle times that do not agree. It
//     means no pre-warm and a KeepAlive of Default, Gust's --idle-timeout.
//
// # Never worse than the default
//
// Before the Policy answers with BasisHistogram or BasisOutOfBounds, it
// replays the function's recorded idle times under those windows and
// under the default. The windows are used only if they would have kept the
// environment idle no longer and found it warm no less often, and done
// better on one of the two. Otherwise the answer is the default. The paper
// has no such check. Its 99th percentile of a long-tailed function (bursts
// seconds apart, hours between bursts) keeps an environment idle for hours
// to save one cold start per burst. In this package's simulation
// (sim_test.go, seeds 1–12), the paper's windows alone cut cold starts by
// 80–84% against a fixed 10-minute keep-alive, but spent more idle memory
// on 5 seeds of 12. With the check, cold starts fall by 67–73% and idle
// memory by 28–44% on every seed.
//
// # Out-of-bound idle times
//
// Functions idle for longer than Range are mostly timers, running every 6
// hours or daily, whose idle time barely varies. For those, ARIMA's
// forecast is essentially the recent level, and fitting it needs a
// numerical library and can fail on short or constant series. The Policy
// keeps the last 8 out-of-bound idle times. Once it has 3, it takes their
// median and the ones within OOBMargin (15%, the paper's ARIMA margin) of
// it. If most of them agree with the median, the window spans the agreeing
// ones, widened on each side by Margin of their spread plus one Bin. If
// they do not agree, the function is not predictable. The paper's window of
// ±15% around its forecast would keep a daily job's environment idle for
// 7 hours. Spanning what was observed keeps a cron job's window to a few
// minutes, yet still widens for jobs whose start time wanders.
//
// # Memory and ageing
//
// A function's state is a fixed array of Range/Bin counters (240 by
// default, under 1 KiB) and 8 durations. At most MaxFunctions functions
// are tracked; the one invoked least recently is forgotten first. When a
// function has recorded MaxSamples idle times, all its counts are halved.
// Old behaviour then fades, and a function that changes its rhythm is
// followed. The paper's histograms never age, but those of a long-running
// server must.
//
// # Out of scope
//
// The Policy only answers questions. It does not start, stop or pre-warm
// environments, owns no goroutines or timers, and reads no clock: callers
// pass the start and end of each invocation and act on the Windows
// themselves (the environment manager in package envs). It keeps one
// rhythm per function name, not per version or per concurrent environment.
// It persists nothing, so after a restart every function starts again from
// the default.
package keepalive
