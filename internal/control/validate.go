package control

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gust/internal/apierror"
	"gust/internal/runtimes"
)

// Patterns from botocore's model of the Lambda API. The function name
// patterns are the ones AWS's own messages quote today, which allow
// eusc- regions and, where a function is looked up, dots in names and
// $LATEST.PUBLISHED (the model's copy lags behind).
var (
	functionNameText      = `(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`
	namespacedNameText    = `(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`
	functionNamePattern   = regexp.MustCompile("^" + functionNameText + "$")
	namespacedNamePattern = regexp.MustCompile("^" + namespacedNameText + "$")
	rolePattern           = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
	handlerPattern        = regexp.MustCompile(`^[^\s]+$`)
	envNamePattern        = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`) // the model says ([a-zA-Z0-9_])+, but Lambda accepts one-letter names
	logGroupPattern       = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
)

// reservedEnv are the variables Lambda sets itself and refuses from users.
var reservedEnv = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
	"AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
	"AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}

func validationError(value any, member, constraint string) *apierror.Error {
	return apierror.Validation("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

// functionRef is a parsed FunctionName path parameter.
type functionRef struct {
	name      string
	qualifier string
}

// Lengths AWS allows a FunctionName: 140 where a function is created
// (FunctionName), 256 where one is looked up (NamespacedFunctionName).
const (
	maxCreateRef = 140
	maxLookupRef = 256
)

// parseFunctionRef accepts a name, a partial ARN or a full ARN, as Lambda
// does, and checks that an ARN names this region and account. A name too
// long to exist is simply not found, as on AWS.
func (s *Service) parseFunctionRef(ref string) (functionRef, error) {
	if len(ref) < 1 {
		return functionRef{}, validationError(ref, "functionName", "Member must have length greater than or equal to 1")
	}
	if len(ref) > maxLookupRef {
		return functionRef{}, validationError(ref, "functionName", fmt.Sprintf("Member must have length less than or equal to %d", maxLookupRef))
	}
	m := namespacedNamePattern.FindStringSubmatch(ref)
	if m == nil {
		return functionRef{}, validationError(ref, "functionName", "Member must satisfy regular expression pattern: "+namespacedNameText)
	}
	r, err := s.refFromMatch(m)
	if err != nil {
		return functionRef{}, err
	}
	if len(r.name) > 64 || strings.Contains(r.name, ".") {
		return functionRef{}, s.notFound(r.name)
	}
	return r, nil
}

// parseCreateRef is parseFunctionRef for CreateFunction: the stricter
// FunctionName shape, and names refused rather than not found.
func (s *Service) parseCreateRef(ref string) (functionRef, error) {
	if len(ref) < 1 {
		return functionRef{}, validationError(ref, "functionName", "Member must have length greater than or equal to 1")
	}
	if len(ref) > maxCreateRef {
		return functionRef{}, validationError(ref, "functionName", fmt.Sprintf("Member must have length less than or equal to %d", maxCreateRef))
	}
	m := functionNamePattern.FindStringSubmatch(ref)
	if m == nil {
		return functionRef{}, validationError(ref, "functionName", "Member must satisfy regular expression pattern: "+functionNameText)
	}
	r, err := s.refFromMatch(m)
	if err != nil {
		return functionRef{}, err
	}
	if len(r.name) > 64 {
		// AWS checks the name's own length as a parameter value.
		return functionRef{}, apierror.InvalidParameter("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64", r.name)
	}
	return r, nil
}

// refFromMatch reads a match of either function name pattern: another
// region is not found; another account is denied, as on AWS.
func (s *Service) refFromMatch(m []string) (functionRef, error) {
	region := strings.TrimSuffix(m[3], ":")
	account := strings.TrimSuffix(m[9], ":")
	if region != "" && region != s.region {
		return functionRef{}, apierror.NotFound("Functions from '%s' are not reachable in this region ('%s')", region, s.region)
	}
	if account != "" && account != s.account {
		return functionRef{}, apierror.New("AccessDeniedException", "")
	}
	return functionRef{name: m[11], qualifier: m[13]}, nil
}

func validateRuntime(id string) error {
	if _, ok := runtimes.Lookup(id); ok {
		return nil
	}
	return apierror.InvalidParameter("Value %s at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [%s] or be a valid ARN", id, strings.Join(runtimes.IDs(), ", "))
}

// runtimeAvailable refuses a runtime of the catalogue that this node
// cannot run, saying which interpreter was looked for and how to
// configure one.
func (s *Service) runtimeAvailable(id string) error {
	if s.runtimes == nil {
		return nil
	}
	if err := s.runtimes.Available(id); err != nil {
		return apierror.InvalidParameter("Runtime %s is not available on this Gust node: %v.", id, err)
	}
	return nil
}

func validateRole(role string) error {
	if !rolePattern.MatchString(role) {
		return validationError(role, "role", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+")
	}
	return nil
}

func validateHandler(runtime, handler string) error {
	if len(handler) > 128 {
		return validationError(handler, "handler", "Member must have length less than or equal to 128")
	}
	if handler != "" && !handlerPattern.MatchString(handler) {
		return validationError(handler, "handler", "Member must satisfy regular expression pattern: [^\\s]+")
	}
	if r, _ := runtimes.Lookup(runtime); r.Family != runtimes.Provided && handler == "" {
		return apierror.InvalidParameter("The Handler parameter is required for the %s runtime.", runtime)
	}
	return nil
}

func validateDescription(d string) error {
	if len(d) > 256 {
		return validationError(d, "description", "Member must have length less than or equal to 256")
	}
	return nil
}

func validateTimeout(t int) error {
	if t < 1 {
		return validationError(t, "timeout", "Member must have value greater than or equal to 1")
	}
	if t > MaxTimeout {
		return apierror.InvalidParameter("Timeout value %d exceeds the maximum allowed value of %d seconds.", t, MaxTimeout)
	}
	return nil
}

func validateMemory(m int) error {
	if m < MinMemoryMB {
		return validationError(m, "memorySize", "Member must have value greater than or equal to 128")
	}
	if m > MaxMemoryMB {
		return apierror.InvalidParameter("'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to %d", MaxMemoryMB)
	}
	return nil
}

func validateEphemeral(size int) error {
	if size < MinEphemeralMB {
		return validationError(size, "ephemeralStorage.size", "Member must have value greater than or equal to 512")
	}
	if size > MaxEphemeralMB {
		return validationError(size, "ephemeralStorage.size", "Member must have value less than or equal to 10240")
	}
	return nil
}

func validateEnvironment(vars map[string]string) error {
	var reserved []string
	for k := range vars {
		if !envNamePattern.MatchString(k) {
			return validationError("[SENSITIVE]", "environment.variables", "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
		}
		if slices.Contains(reservedEnv, k) {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		slices.Sort(reserved)
		return apierror.InvalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
	}
	// AWS measures the JSON serialisation of the variables map.
	encoded, _ := json.Marshal(vars)
	if len(encoded) > MaxEnvironmentBytes {
		return apierror.InvalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %d bytes", len(encoded))
	}
	return nil
}

func validateArchitectures(archs []string) error {
	if len(archs) == 0 {
		return nil
	}
	if len(archs) > 1 {
		return validationError(archs, "architectures", "Member must have length less than or equal to 1")
	}
	if archs[0] != hostArchitecture {
		return apierror.InvalidParameter("Architecture %s is not supported on this Gust node; it runs %s.", archs[0], hostArchitecture)
	}
	return nil
}

func validateLogging(l LoggingConfig) error {
	if l.LogFormat != "" && l.LogFormat != "Text" && l.LogFormat != "JSON" {
		return validationError(l.LogFormat, "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]")
	}
	if l.ApplicationLogLevel != "" && !slices.Contains([]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}, l.ApplicationLogLevel) {
		return validationError(l.ApplicationLogLevel, "loggingConfig.applicationLogLevel", "Member must satisfy enum value set: [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]")
	}
	if l.SystemLogLevel != "" && !slices.Contains([]string{"DEBUG", "INFO", "WARN"}, l.SystemLogLevel) {
		return validationError(l.SystemLogLevel, "loggingConfig.systemLogLevel", "Member must satisfy enum value set: [DEBUG, INFO, WARN]")
	}
	if (l.ApplicationLogLevel != "" || l.SystemLogLevel != "") && l.LogFormat != "JSON" {
		return apierror.InvalidParameter("Log level configuration is only supported when the log format is JSON.")
	}
	if l.LogGroup != "" && (len(l.LogGroup) > 512 || !logGroupPattern.MatchString(l.LogGroup)) {
		return validationError(l.LogGroup, "loggingConfig.logGroup", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
	}
	return nil
}

// validateUnsupported refuses features Gust does not offer rather than
// accepting them and silently doing nothing.
func validateUnsupported(u Unsupported) error {
	set := func(raw json.RawMessage) bool {
		s := strings.TrimSpace(string(raw))
		return s != "" && s != "null" && s != "{}" && s != "[]"
	}
	switch {
	case set(u.ImageConfig):
		return apierror.InvalidParameter("ImageConfig is only valid for the Image package type, which Gust does not support yet.")
	}
	return nil
}

func validateTags(tags map[string]string) error {
	if len(tags) > 50 {
		return apierror.InvalidParameter("Number of tags exceeds resource tag limit.")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 {
			return apierror.InvalidParameter("Tag keys must be between 1 and 128 characters in length.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return apierror.InvalidParameter("Tag keys cannot start with the reserved prefix 'aws:'.")
		}
		if len(v) > 256 {
			return apierror.InvalidParameter("Tag values must be at most 256 characters in length.")
		}
	}
	return nil
}

func errCodeSource(c FunctionCode) error {
	if len(c.ZipFile) > 0 && (c.S3Bucket != "" || c.S3Key != "") {
		return apierror.InvalidParameter("Please do not provide other FunctionCode parameters when providing a ZipFile.")
	}
	if len(c.ZipFile) == 0 && (c.S3Bucket != "" || c.S3Key != "" || c.S3ObjectVersion != "") {
		return apierror.InvalidParameter("Please provide a source for function code.")
	}
	if c.ImageUri != "" {
		return apierror.InvalidParameter("Container images are not supported by Gust yet: upload a ZipFile.")
	}
	if len(c.ZipFile) == 0 {
		return apierror.InvalidParameter("Please provide a source for function code.")
	}
	return nil
}

// ResourceARN is the ARN a request on function reference ref (a name, a
// partial or full ARN, possibly with a qualifier) acts on, for
// authorization: the function's ARN, qualified when the reference or
// qualifier names a version or alias. A malformed reference yields the
// unqualified ARN of ref as given; the operation then refuses it.
func (s *Service) ResourceARN(ref, qualifier string) string {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return s.FunctionARN(ref)
	}
	if qualifier == "" {
		qualifier = r.qualifier
	}
	if qualifier != "" {
		return s.FunctionARN(r.name) + ":" + qualifier
	}
	return s.FunctionARN(r.name)
}

var sqsARNPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]{1,80}(\.fifo)?$`)

// IsQueueARN reports whether arn names an SQS queue.
func IsQueueARN(arn string) bool { return sqsARNPattern.MatchString(arn) }

// validateDeadLetter accepts an SQS queue as DeadLetterConfig's target.
func validateDeadLetter(target string) error {
	switch {
	case target == "" || IsQueueARN(target):
		return nil
	case strings.HasPrefix(target, "arn:aws:sns:"):
		return apierror.InvalidParameter("DeadLetterConfig with an SNS topic is not supported by Gust yet; use an SQS queue.")
	default:
		return apierror.InvalidParameter("The provided target arn %s is invalid. Supported target types are SQS queues and SNS topics.", target)
	}
}
