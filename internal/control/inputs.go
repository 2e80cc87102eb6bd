package control

import "encoding/json"

// The request shapes below carry AWS's JSON field names so the API layer can
// decode request bodies straight into them. Pointers mark fields whose
// absence differs from their zero value.

// CreateFunctionInput is CreateFunctionRequest.
type CreateFunctionInput struct {
	FunctionName     string
	Runtime          string
	Role             string
	Handler          string
	Code             *FunctionCode
	Description      string
	Timeout          *int
	MemorySize       *int
	Publish          bool
	PackageType      string
	Environment      *Environment
	Tags             map[string]string
	Architectures    []string
	EphemeralStorage *EphemeralStorage
	LoggingConfig    *LoggingConfig
	TracingConfig    *TracingConfig
	DeadLetterConfig *DeadLetterConfig
	// CodeSigningConfigArn attaches a code signing configuration.
	CodeSigningConfigArn string
	// Layers are layer version ARNs, merged at /opt in order.
	Layers []string
	AcceptedPatch
	Unsupported
}

// DeadLetterConfig is Lambda's DeadLetterConfig: where asynchronous events
// that exhaust their retries go.
type DeadLetterConfig struct {
	TargetArn string
}

// FunctionCode is the Code member of CreateFunctionRequest.
type FunctionCode struct {
	ZipFile         []byte
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ImageUri        string
}

// Environment is Lambda's Environment.
type Environment struct {
	Variables map[string]string
}

// EphemeralStorage is Lambda's EphemeralStorage.
type EphemeralStorage struct {
	Size int
}

// TracingConfig is Lambda's TracingConfig.
type TracingConfig struct {
	Mode string
}

// Unsupported collects request members whose features Gust does not offer.
// A request that sets one is refused with a clear message instead of being
// accepted and silently ignored.
type Unsupported struct {
	ImageConfig json.RawMessage
}

// UpdateFunctionCodeInput is UpdateFunctionCodeRequest (FunctionName comes
// from the path).
type UpdateFunctionCodeInput struct {
	FunctionName    string `json:"-"`
	ZipFile         []byte
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ImageUri        string
	Publish         bool
	DryRun          bool
	RevisionId      string
	Architectures   []string
}

// ConfigPatch is the configuration CreateFunction and
// UpdateFunctionConfiguration share; nil members leave a value unchanged.
type ConfigPatch struct {
	Role             *string
	Handler          *string
	Description      *string
	Timeout          *int
	MemorySize       *int
	Environment      *Environment
	Runtime          *string
	EphemeralStorage *EphemeralStorage
	LoggingConfig    *LoggingConfig
	DeadLetterConfig *DeadLetterConfig
}

// UpdateFunctionConfigurationInput is UpdateFunctionConfigurationRequest.
type UpdateFunctionConfigurationInput struct {
	FunctionName string `json:"-"`
	ConfigPatch
	TracingConfig *TracingConfig
	// Layers replaces the function's layers when given ([] removes them).
	Layers     *[]string
	RevisionId string
	AcceptedPatch
	Unsupported
}
