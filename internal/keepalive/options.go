package keepalive

import (
	"errors"
	"fmt"
	"time"
)

// Options tunes a Policy. Every zero field takes its documented default,
// so Options{Default: cfg.IdleTimeout} is a complete configuration.
type Options struct {
	// Default is the keep-alive used when a function's idle times do not
	// support a better guess. Gust passes its --idle-timeout. Default 10
	// minutes.
	Default time.Duration
	// Range is the longest idle time the histogram holds; longer ones are
	// out of bounds. Default 4 hours, the paper's.
	Range time.Duration
	// Bin is the width of one histogram bin, and the resolution of the
	// windows derived from it. Default 1 minute.
	Bin time.Duration
	// Margin widens windows: PreWarm is shortened and the end of KeepAlive
	// extended by this fraction of the histogram's percentiles, or of the
	// spread of out-of-bound idle times. Default 0.10, the paper's.
	Margin float64
	// MinSamples is how many in-range idle times a histogram needs before
	// it is trusted. Default 10: the 5th and 99th percentiles of 10 samples
	// are their minimum and maximum, so the first windows cover every idle
	// time seen so far, and a function called every 15 minutes earns them
	// within 3 hours.
	MinSamples int
	// CVThreshold is the coefficient of variation of the bin counts (their
	// standard deviation over their mean) a histogram must reach to count
	// as having a pattern. Default 2, the paper's; with the default 240
	// bins, idle times spread evenly over more than 48 of them stay below.
	CVThreshold float64
	// OOBThreshold is the fraction of idle times at least Range long above
	// which a function is judged by its out-of-bound idle times instead of
	// its histogram. Default 0.5.
	OOBThreshold float64
	// OOBMargin is how far from their median out-of-bound idle times may be
	// and still agree with it. Default 0.15, the paper's ARIMA margin.
	OOBMargin float64
	// MaxSamples is how many idle times a function records before all its
	// counts are halved. Default 500: five days of a 15-minute timer, four
	// hours of a function called every 30 seconds.
	MaxSamples int
	// MaxFunctions bounds how many functions are tracked; beyond it the one
	// invoked least recently is forgotten. Default 10000 (about 10 MiB with
	// the default Range and Bin).
	MaxFunctions int
}

// Defaults of Options.
const (
	DefaultKeepAlive    = 10 * time.Minute
	DefaultRange        = 4 * time.Hour
	DefaultBin          = time.Minute
	DefaultMargin       = 0.10
	DefaultMinSamples   = 10
	DefaultCVThreshold  = 2
	DefaultOOBThreshold = 0.5
	DefaultOOBMargin    = 0.15
	DefaultMaxSamples   = 500
	DefaultMaxFunctions = 10000
)

// maxBins bounds the memory of one function's histogram.
const maxBins = 1 << 16

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Default == 0 {
		o.Default = DefaultKeepAlive
	}
	if o.Range == 0 {
		o.Range = DefaultRange
	}
	if o.Bin == 0 {
		o.Bin = DefaultBin
	}
	if o.Margin == 0 {
		o.Margin = DefaultMargin
	}
	if o.MinSamples == 0 {
		o.MinSamples = DefaultMinSamples
	}
	if o.CVThreshold == 0 {
		o.CVThreshold = DefaultCVThreshold
	}
	if o.OOBThreshold == 0 {
		o.OOBThreshold = DefaultOOBThreshold
	}
	if o.OOBMargin == 0 {
		o.OOBMargin = DefaultOOBMargin
	}
	if o.MaxSamples == 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	if o.MaxFunctions == 0 {
		o.MaxFunctions = DefaultMaxFunctions
	}
	return o
}

// Validate reports every problem with o, with zero fields read as their
// defaults.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	if o.Default < 0 || o.Range < 0 || o.Bin < 0 {
		errs = append(errs, errors.New("keep-alive durations must not be negative"))
	} else if o.Bin > o.Range || o.Range/o.Bin > maxBins {
		errs = append(errs, fmt.Errorf("range %v must hold between 1 and %d bins of %v", o.Range, maxBins, o.Bin))
	}
	if o.Margin < 0 || o.Margin >= 1 || o.OOBMargin < 0 || o.OOBMargin >= 1 {
		errs = append(errs, errors.New("keep-alive margins must be in [0, 1)"))
	}
	if o.CVThreshold < 0 {
		errs = append(errs, errors.New("keep-alive CV threshold must not be negative"))
	}
	if o.OOBThreshold < 0 || o.OOBThreshold > 1 {
		errs = append(errs, errors.New("keep-alive out-of-bound threshold must be in [0, 1]"))
	}
	if o.MinSamples < 0 || o.MaxFunctions < 0 {
		errs = append(errs, errors.New("keep-alive sample and function counts must not be negative"))
	}
	// Halving must leave a trusted histogram trusted.
	if o.MaxSamples < 2*o.MinSamples || o.MaxSamples > 1<<30 {
		errs = append(errs, fmt.Errorf("keep-alive max samples %d must be between twice the min samples (%d) and 2^30", o.MaxSamples, 2*o.MinSamples))
	}
	return errors.Join(errs...)
}
