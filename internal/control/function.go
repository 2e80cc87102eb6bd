package control

import (
	"time"

	"gust/internal/layers"
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
	DeadLetterTarget string `json:"deadLetterTarget,omitempty"`
	CodeSha256       string `json:"codeSha256"` // lowercase hex, the code store key
	CodeSize         int64  `json:"codeSize"`
	// CodeUnzippedSize is the package's size unzipped (0 in records stored
	// before it was kept).
	CodeUnzippedSize int64 `json:"codeUnzippedSize,omitempty"`
	// Layers are the function's layers, in the order they are merged at
	// /opt.
	Layers       []layers.Ref      `json:"layers,omitempty"`
	LastModified time.Time         `json:"lastModified"`
	RevisionID   string            `json:"revisionId"`
	Tags         map[string]string `json:"tags,omitempty"`
	// LastVersion is the number of the latest published version; only
	// $LATEST carries it.
	LastVersion int `json:"lastVersion,omitempty"`
	// ConfigSha256 is, on a published version, the hash of the $LATEST
	// it was published from.
	ConfigSha256 string `json:"configSha256,omitempty"`

	// EnvironmentSet records that the caller gave an Environment, even an
	// empty one: AWS echoes {"Variables": {}} then, and nothing otherwise.
	EnvironmentSet bool `json:"environmentSet,omitempty"`
	// CodeSigningConfigArn is the code signing configuration attached to
	// the function (stored and returned; signatures are not checked).
	CodeSigningConfigArn string `json:"codeSigningConfigArn,omitempty"`
	// RecursiveLoop is PutFunctionRecursionConfig's setting ("" is AWS's
	// default, Terminate).
	RecursiveLoop string `json:"recursiveLoop,omitempty"`
	// UpdateRuntimeOn and RuntimeVersionArn are PutRuntimeManagementConfig's
	// settings ("" is AWS's default, Auto). Gust has one version of each
	// runtime, so they are stored and returned, not acted on.
	UpdateRuntimeOn   string `json:"updateRuntimeOn,omitempty"`
	RuntimeVersionArn string `json:"runtimeVersionArn,omitempty"`
	// Accepted holds settings stored and returned but not honoured.
	Accepted Accepted `json:"accepted"`
	// Status is the function's lifecycle state as AWS reports it.
	Status
	// ConfigID changes with the code or configuration and nothing else
	// (RevisionId also changes when a record settles and on publishing):
	// environments are specialised for it (see EnvironmentKey).
	ConfigID string `json:"configId,omitempty"`

	// storeRevision is the KV revision the record was read at; it is the
	// compare-and-swap token and never leaves the process.
	storeRevision uint64
}

// EnvironmentKey identifies what an execution environment of this version
// is specialised for: it changes when the code or configuration does.
func (f Function) EnvironmentKey() string {
	if f.ConfigID == "" { // stored before ConfigID existed
		return f.RevisionID
	}
	return f.ConfigID
}

// Status is AWS's lifecycle state of a function: State (Pending while it
// is being created, then Active) and LastUpdateStatus (InProgress while an
// update is applied, then Successful), each with a reason while it is in
// progress. Gust finishes that work before it answers, so a record leaves
// Pending or InProgress the first time it is read after the write (see
// settle); the write's own answer shows the in-progress state, as AWS's
// does, and clients wait for Active/Successful as they do on AWS. Records
// stored before states existed have neither and read as settled.
type Status struct {
	State                      string `json:"state,omitempty"`
	StateReason                string `json:"stateReason,omitempty"`
	StateReasonCode            string `json:"stateReasonCode,omitempty"`
	LastUpdateStatus           string `json:"lastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string `json:"lastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string `json:"lastUpdateStatusReasonCode,omitempty"`
}

// The states and reasons AWS reports.
const (
	StatePending       = "Pending"
	StateActive        = "Active"
	UpdateInProgress   = "InProgress"
	UpdateSuccessful   = "Successful"
	reasonBeingCreated = "The function is being created."
	reasonCodeCreating = "Creating"
)

// creating is the state of a function just created.
func creating() Status {
	return Status{State: StatePending, StateReason: reasonBeingCreated, StateReasonCode: reasonCodeCreating}
}

// updating is the state of a function whose update was just stored.
func updating() Status {
	return Status{State: StateActive, LastUpdateStatus: UpdateInProgress, LastUpdateStatusReason: reasonBeingCreated, LastUpdateStatusReasonCode: reasonCodeCreating}
}

// settled is the state once the work is done.
func settled() Status { return Status{State: StateActive, LastUpdateStatus: UpdateSuccessful} }

// unsettled reports whether st is still Pending or InProgress.
func (st Status) unsettled() bool {
	return st.State == StatePending || st.LastUpdateStatus == UpdateInProgress
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
