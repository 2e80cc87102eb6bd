package main

import (
	"errors"
	"strings"

	"github.com/spf13/pflag"
)

// envAnnotation marks a flag that a GUST_* variable may also set.
const envAnnotation = "gust-env"

// withEnv declares that flag name may also be set by the variable env, and
// says so in its usage.
func withEnv(fs *pflag.FlagSet, name, env string) {
	f := fs.Lookup(name)
	f.Usage += " [" + env + "]"
	_ = fs.SetAnnotation(name, envAnnotation, []string{env})
}

// applyEnv sets every flag that was not given on the command line from its
// variable, when that is set. The value is parsed by the flag itself, so a
// bad one fails exactly as it would on the command line (pflag's "invalid
// argument ... for "--pool-min" flag: ..."), with the variable named. A
// list flag's variable is comma-separated; empty items are skipped. Every
// bad variable is reported, not only the first.
func applyEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	var errs []error
	fs.VisitAll(func(f *pflag.Flag) {
		names := f.Annotations[envAnnotation]
		if len(names) == 0 || f.Changed {
			return
		}
		v, ok := lookup(names[0])
		if !ok {
			return
		}
		values := []string{v}
		if strings.HasSuffix(f.Value.Type(), "Array") || strings.HasSuffix(f.Value.Type(), "Slice") {
			values = values[:0]
			for _, item := range strings.Split(v, ",") {
				if item = strings.TrimSpace(item); item != "" {
					values = append(values, item)
				}
			}
		}
		for _, item := range values {
			if err := fs.Set(f.Name, item); err != nil {
				errs = append(errs, &envError{env: names[0], err: err})
				return
			}
		}
	})
	return errors.Join(errs...)
}

// envError is a flag's error for a value that came from its variable.
type envError struct {
	env string
	err error
}

func (e *envError) Error() string { return e.env + ": " + e.err.Error() }
func (e *envError) Unwrap() error { return e.err }
