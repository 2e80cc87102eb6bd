package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func lookupIn(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// A malformed variable fails exactly as the flag does, for every typed flag
// of the server: GUST_POOL_MIN=three like --pool-min three.
func TestBadVariablesFailLikeFlags(t *testing.T) {
	bad := map[string]string{"int": "three", "duration": "soon", "float64": "cheap"}
	checked := 0
	serverCommand().Flags().VisitAll(func(f *pflag.Flag) {
		value, typed := bad[f.Value.Type()]
		if !typed {
			return
		}
		env := f.Annotations[envAnnotation]
		if len(env) != 1 || !strings.HasPrefix(env[0], "GUST_") {
			t.Errorf("--%s has no GUST_ variable", f.Name)
			return
		}
		fromFlag := serverCommand().Flags().Parse([]string{"--" + f.Name, value})
		if fromFlag == nil {
			t.Fatalf("--%s %s was accepted", f.Name, value)
		}
		fromEnv := applyEnv(serverCommand().Flags(), lookupIn(map[string]string{env[0]: value}))
		if fromEnv == nil {
			t.Errorf("%s=%s was accepted", env[0], value)
			return
		}
		if want := env[0] + ": " + fromFlag.Error(); fromEnv.Error() != want {
			t.Errorf("%s=%s: %q, want %q", env[0], value, fromEnv, want)
		}
		checked++
	})
	if checked < 10 {
		t.Errorf("only %d typed flags checked", checked)
	}
	err := applyEnv(serverCommand().Flags(), lookupIn(map[string]string{"GUST_POOL_MIN": "three"}))
	if want := `GUST_POOL_MIN: invalid argument "three" for "--pool-min" flag: strconv.ParseInt: parsing "three": invalid syntax`; err == nil || err.Error() != want {
		t.Errorf("GUST_POOL_MIN=three: %v, want %s", err, want)
	}
}

func TestEveryBadVariableIsReported(t *testing.T) {
	err := applyEnv(serverCommand().Flags(), lookupIn(map[string]string{"GUST_POOL_MIN": "x", "GUST_IDLE_TIMEOUT": "y"}))
	if err == nil || !strings.Contains(err.Error(), "GUST_POOL_MIN") || !strings.Contains(err.Error(), "GUST_IDLE_TIMEOUT") {
		t.Errorf("err = %v", err)
	}
}

func TestVariablesSetWhatTheCommandLineDoesNot(t *testing.T) {
	fs := serverCommand().Flags()
	if err := fs.Parse([]string{"--pool-min", "2"}); err != nil {
		t.Fatal(err)
	}
	err := applyEnv(fs, lookupIn(map[string]string{
		"GUST_POOL_MIN":             "5", // the flag wins
		"GUST_POOL_MAX":             "7",
		"GUST_IDLE_TIMEOUT":         "90s",
		"GUST_RUNTIME_INTERPRETERS": "python3.12=/usr/bin/python3, ,nodejs20.x=/usr/bin/node",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"pool-min": "2", "pool-max": "7", "idle-timeout": "1m30s"} {
		if got := fs.Lookup(name).Value.String(); got != want {
			t.Errorf("--%s = %s, want %s", name, got, want)
		}
	}
	got, _ := fs.GetStringArray("runtime-interpreter")
	if want := []string{"python3.12=/usr/bin/python3", "nodejs20.x=/usr/bin/node"}; !slices.Equal(got, want) {
		t.Errorf("runtime-interpreter = %q, want %q", got, want)
	}
}
