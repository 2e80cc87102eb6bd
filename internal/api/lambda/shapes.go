package lambda

import "gust/internal/control"

// lastModifiedLayout is AWS's LastModified format: 2024-01-02T15:04:05.000+0000.
const lastModifiedLayout = "2006-01-02T15:04:05.000-0700"

// functionConfiguration is Lambda's FunctionConfiguration on the wire.
type functionConfiguration struct {
	FunctionName  string
	FunctionArn   string
	Runtime       string
	Role          string
	Handler       string `json:",omitempty"`
	CodeSize      int64
	Description   string
	Timeout       int
	MemorySize    int
	LastModified  string
	CodeSha256    string
	Version       string
	Environment   *environmentResponse `json:",omitempty"`
	TracingConfig tracingConfig
	RevisionId    string
	// The lifecycle and runtime version are left out of list entries,
	// as AWS leaves them out.
	State                      string `json:",omitempty"`
	StateReason                string `json:",omitempty"`
	StateReasonCode            string `json:",omitempty"`
	LastUpdateStatus           string `json:",omitempty"`
	LastUpdateStatusReason     string `json:",omitempty"`
	LastUpdateStatusReasonCode string `json:",omitempty"`
	PackageType                string
	Architectures              []string
	Layers                     []layerRef `json:",omitempty"`
	EphemeralStorage           ephemeralStorage
	SnapStart                  snapStart
	RuntimeVersionConfig       *runtimeVersionConfig `json:",omitempty"`
	LoggingConfig              control.LoggingConfig
	DeadLetterConfig           *control.DeadLetterConfig `json:",omitempty"`
	// Accepted but not honoured (see control.Accepted): present when set.
	VpcConfig         *vpcConfigResponse         `json:",omitempty"`
	KMSKeyArn         string                     `json:",omitempty"`
	FileSystemConfigs []control.FileSystemConfig `json:",omitempty"`
}

// vpcConfigResponse is VpcConfigResponse: Gust knows no VPC, so VpcId is
// empty.
type vpcConfigResponse struct {
	SubnetIds               []string
	SecurityGroupIds        []string
	VpcId                   string
	Ipv6AllowedForDualStack bool
}

type environmentResponse struct{ Variables map[string]string }

// layerRef is Lambda's Layer: a layer version a function uses.
type layerRef struct {
	Arn      string
	CodeSize int64
}
type tracingConfig struct{ Mode string }
type ephemeralStorage struct{ Size int }
type snapStart struct{ ApplyOn, OptimizationStatus string }
type runtimeVersionConfig struct{ RuntimeVersionArn string }

func (a *API) configuration(f control.Function) functionConfiguration {
	c := functionConfiguration{
		FunctionName:               f.Name,
		FunctionArn:                a.versionARN(f),
		Runtime:                    f.Runtime,
		Role:                       f.Role,
		Handler:                    f.Handler,
		CodeSize:                   f.CodeSize,
		Description:                f.Description,
		Timeout:                    f.Timeout,
		MemorySize:                 f.MemorySize,
		LastModified:               f.LastModified.UTC().Format(lastModifiedLayout),
		CodeSha256:                 control.CodeSha256Base64(f.CodeSha256),
		Version:                    f.Version,
		TracingConfig:              tracingConfig{Mode: f.TracingMode},
		RevisionId:                 f.RevisionID,
		State:                      f.State,
		StateReason:                f.StateReason,
		StateReasonCode:            f.StateReasonCode,
		LastUpdateStatus:           f.LastUpdateStatus,
		LastUpdateStatusReason:     f.LastUpdateStatusReason,
		LastUpdateStatusReasonCode: f.LastUpdateStatusReasonCode,
		PackageType:                "Zip",
		Architectures:              f.Architectures,
		EphemeralStorage:           ephemeralStorage{Size: f.EphemeralStorage},
		SnapStart:                  snapStart{ApplyOn: "None", OptimizationStatus: "Off"},
		RuntimeVersionConfig:       &runtimeVersionConfig{RuntimeVersionArn: "arn:aws:lambda:" + a.control.Region() + "::runtime:gust-" + f.Runtime},
		LoggingConfig:              f.Logging,
	}
	if v := f.Accepted.VpcConfig; v != nil {
		c.VpcConfig = &vpcConfigResponse{SubnetIds: v.SubnetIds, SecurityGroupIds: v.SecurityGroupIds, Ipv6AllowedForDualStack: v.Ipv6AllowedForDualStack != nil && *v.Ipv6AllowedForDualStack}
	}
	c.KMSKeyArn, c.FileSystemConfigs = f.Accepted.KMSKeyArn, f.Accepted.FileSystemConfigs
	if f.Accepted.SnapStartApplyOn != "" {
		c.SnapStart.ApplyOn = f.Accepted.SnapStartApplyOn
	}
	if c.State == "" { // stored before states were recorded: settled
		c.State, c.LastUpdateStatus = control.StateActive, control.UpdateSuccessful
	}
	if len(f.Environment) > 0 || f.EnvironmentSet {
		c.Environment = &environmentResponse{Variables: f.Environment}
		if c.Environment.Variables == nil {
			c.Environment.Variables = map[string]string{}
		}
	}
	for _, l := range f.Layers {
		c.Layers = append(c.Layers, layerRef{Arn: l.ARN, CodeSize: l.CodeSize})
	}
	if f.DeadLetterTarget != "" {
		c.DeadLetterConfig = &control.DeadLetterConfig{TargetArn: f.DeadLetterTarget}
	}
	return c
}

// listEntry is a function as ListFunctions and ListVersionsByFunction show
// it: without its lifecycle state and runtime version.
func (a *API) listEntry(f control.Function) functionConfiguration {
	c := a.configuration(f)
	c.State, c.StateReason, c.StateReasonCode = "", "", ""
	c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "", "", ""
	c.RuntimeVersionConfig = nil
	return c
}

// versionEntry is a listEntry among versions: $LATEST is named with its
// qualifier there, as AWS names it.
func (a *API) versionEntry(f control.Function) functionConfiguration {
	c := a.listEntry(f)
	if f.Version == control.Latest {
		c.FunctionArn += ":" + control.Latest
	}
	return c
}

// versionARN is the ARN FunctionConfiguration shows: unqualified for
// $LATEST, qualified for published versions, as AWS does.
func (a *API) versionARN(f control.Function) string {
	if f.Version == control.Latest {
		return a.control.FunctionARN(f.Name)
	}
	return a.control.FunctionARN(f.Name) + ":" + f.Version
}
