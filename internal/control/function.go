package control

import (
	"time"
)

// Function is the stored record of one function version: $LATEST (the
// mutable one) or a published, immutable number.
type Function struct {
	Name             string            `json:"name"`
	Version          string            `json:"version"`
	Runtime          string            `json:"runtime"`
	Role             string            `json:"role"`
	Handler          string            `json:"handler,omitempty"`
	Description      string            `json:"description,omitempty"`
	Timeout          int               `json:"timeout"`
	MemorySize       int               `json:"memorySize"`
	Environment      map[string]string `json:"environment,omitempty"`
	EphemeralStorage int               `json:"ephemeralStorage"`
	Architectures    []string          `json:"architectures"`
	Logging          LoggingConfig     `json:"logging"`
	TracingMode      string            `json:"tracingMode"`
	// DeadLetterTarget is DeadLetterConfig.TargetArn (an SQS queue).
	DeadLetterTarget string            `json:"deadLetterTarget,omitempty"`
	CodeSha256       string            `json:"codeSha256"` // lowercase hex, the code store key
	CodeSize         int64             `json:"codeSize"`
	LastModified     time.Time         `json:"lastModified"`
	RevisionID       string            `json:"revisionId"`
	Tags             map[string]string `json:"tags,omitempty"`
	// LastVersion is the number of the latest published version; only
	// $LATEST carries it.
	LastVersion int `json:"lastVersion,omitempty"`
	// ConfigSha256 is, on a published version, the hash of the $LATEST
	// it was published from.
	ConfigSha256 string `json:"configSha256,omitempty"`

	// storeRevision is the KV revision the record was read at; it is the
	// compare-and-swap token and never leaves the process.
	storeRevision uint64
}

// LoggingConfig is Lambda's LoggingConfig.
type LoggingConfig struct {
	LogFormat           string `json:"LogFormat,omitempty"`
	ApplicationLogLevel string `json:"ApplicationLogLevel,omitempty"`
	SystemLogLevel      string `json:"SystemLogLevel,omitempty"`
	LogGroup            string `json:"LogGroup,omitempty"`
}

// Latest is the name of the mutable version.
const Latest = "$LATEST"

// Limits and defaults from AWS's quotas page.
const (
	DefaultTimeout            = 3
	MaxTimeout                = 900
	DefaultMemoryMB           = 128
	MinMemoryMB               = 128
	MaxMemoryMB               = 10240
	DefaultEphemeralMB        = 512
	MinEphemeralMB            = 512
	MaxEphemeralMB            = 10240
	MaxEnvironmentBytes       = 4096
	MaxZipBytes               = 50 * 1024 * 1024
	MaxUnzippedBytes          = 250 * 1024 * 1024
	TotalCodeStorageBytes     = 75 * 1024 * 1024 * 1024
	DefaultAccountConcurrency = 1000
)
