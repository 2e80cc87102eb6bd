package envs

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Config is everything an environment needs from a function's
// configuration. Environments are reused only for the same Key.
type Config struct {
	Function   string
	Version    string
	RevisionID string // a new RevisionId means new environments
	ARN        string // unqualified function ARN
	Runtime    string
	Handler    string
	MemoryMB   int
	TmpMB      int
	Timeout    time.Duration
	CodeDir    string // unpacked code on the host, mounted at /var/task
	OptDir     string // merged layers on the host, mounted at /opt ("" = none)
	Region     string
	LogGroup   string
	Variables  map[string]string // the function's own environment
	// Platform are variables the server gives every environment of the
	// function (its credentials, AWS_ENDPOINT_URL), over its own.
	Platform []string
	// CredentialsExpire is when the credentials in Platform stop working;
	// an environment is retired rather than reused once they are about to
	// (zero: never).
	CredentialsExpire time.Time
	// InitType is AWS_LAMBDA_INITIALIZATION_TYPE: on-demand (default) or
	// provisioned-concurrency.
	InitType string
	// LogFormat is the function's LoggingConfig.LogFormat, Text or JSON;
	// with JSON, ApplicationLogLevel goes to the runtime as
	// AWS_LAMBDA_LOG_LEVEL and SystemLogLevel filters the platform's
	// events (platformlog.go).
	LogFormat, ApplicationLogLevel, SystemLogLevel string
}

// initType is AWS_LAMBDA_INITIALIZATION_TYPE.
func (c Config) initType() string { return cmp.Or(c.InitType, "on-demand") }

func (c Config) provisioned() Config {
	c.InitType = "provisioned-concurrency"
	return c
}

// Key identifies the configuration environments are specialised for.
func (c Config) Key() string { return c.Function + "\x00" + c.Version + "\x00" + c.RevisionID }

// environ is the complete environment of the bootstrap: Lambda's reserved
// variables and the runtime's own (runtimeEnv) over the function's.
// Nothing comes from the server's environment.
func (c Config) environ(logStream string, runtimeEnv []string) []string {
	env := make([]string, 0, len(c.Variables)+len(runtimeEnv)+len(c.Platform)+20)
	platform := map[string]bool{}
	for _, kv := range c.Platform {
		k, _, _ := strings.Cut(kv, "=")
		platform[k] = true
	}
	for k, v := range c.Variables {
		if !platform[k] {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, runtimeEnv...)
	env = append(env, c.Platform...)
	env = append(env,
		"PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"_HANDLER="+c.Handler,
		"AWS_EXECUTION_ENV=AWS_Lambda_"+c.Runtime,
		"AWS_LAMBDA_FUNCTION_NAME="+c.Function,
		"AWS_LAMBDA_FUNCTION_VERSION="+c.Version,
		fmt.Sprintf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%d", c.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME="+c.LogGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME="+logStream,
		"AWS_LAMBDA_INITIALIZATION_TYPE="+c.initType(),
		"AWS_REGION="+c.Region,
		"AWS_DEFAULT_REGION="+c.Region,
		"LAMBDA_TASK_ROOT=/var/task",
		"LAMBDA_RUNTIME_DIR=/var/runtime",
	)
	if c.LogFormat == "JSON" {
		env = append(env, "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL="+c.ApplicationLogLevel)
	}
	return env
}
