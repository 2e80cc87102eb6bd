package control

import (
	"regexp"
	"strings"

	"gust/internal/apierror"
)

// Settings AWS templates commonly carry that Gust accepts, stores and
// returns as AWS returns them without honouring them: a function keeps
// running on the node's own network (VpcConfig), with its environment
// stored as the data directory stores it (KMSKeyArn), without mounted
// file systems (FileSystemConfigs), without snapshots (SnapStart) and
// without traces (TracingConfig Active). README lists them; the server
// logs a warning the first time each is set (see warnUnhonoured).

// VpcConfig is Lambda's VpcConfig.
type VpcConfig struct {
	SubnetIds               []string
	SecurityGroupIds        []string
	Ipv6AllowedForDualStack *bool `json:",omitempty"`
}

// FileSystemConfig is Lambda's FileSystemConfig.
type FileSystemConfig struct {
	Arn            string
	LocalMountPath string
}

// SnapStart is Lambda's SnapStart request member.
type SnapStart struct {
	ApplyOn string
}

// Accepted are the stored settings of this kind.
type Accepted struct {
	VpcConfig         *VpcConfig         `json:"vpcConfig,omitempty"`
	KMSKeyArn         string             `json:"kmsKeyArn,omitempty"`
	FileSystemConfigs []FileSystemConfig `json:"fileSystemConfigs,omitempty"`
	SnapStartApplyOn  string             `json:"snapStartApplyOn,omitempty"`
}

// AcceptedPatch is how Create and UpdateFunctionConfiguration set them;
// nil members leave a value unchanged.
type AcceptedPatch struct {
	VpcConfig         *VpcConfig
	KMSKeyArn         *string
	FileSystemConfigs *[]FileSystemConfig
	SnapStart         *SnapStart
}

var (
	subnetPattern        = regexp.MustCompile(`^subnet-[0-9a-z]*$`)
	securityGroupPattern = regexp.MustCompile(`^sg-[0-9a-zA-Z]*$`)
	kmsKeyPattern        = regexp.MustCompile(`^(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()$`)
	efsAccessPointARN    = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:elasticfilesystem:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:access-point/fsap-[a-f0-9]{17}$`)
	mountPathPattern     = regexp.MustCompile(`^/mnt/[a-zA-Z0-9-_.]+$`)
)

func validateAccepted(p AcceptedPatch) error {
	if v := p.VpcConfig; v != nil {
		if len(v.SubnetIds) > 16 {
			return validationError("["+strings.Join(v.SubnetIds, ", ")+"]", "vpcConfig.subnetIds", "Member must have length less than or equal to 16")
		}
		for _, id := range v.SubnetIds {
			if !subnetPattern.MatchString(id) {
				return validationError("["+strings.Join(v.SubnetIds, ", ")+"]", "vpcConfig.subnetIds", "Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: subnet-[0-9a-z]*]")
			}
		}
		if len(v.SecurityGroupIds) > 5 {
			return validationError("["+strings.Join(v.SecurityGroupIds, ", ")+"]", "vpcConfig.securityGroupIds", "Member must have length less than or equal to 5")
		}
		for _, id := range v.SecurityGroupIds {
			if !securityGroupPattern.MatchString(id) {
				return validationError("["+strings.Join(v.SecurityGroupIds, ", ")+"]", "vpcConfig.securityGroupIds", "Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: sg-[0-9a-zA-Z]*]")
			}
		}
	}
	if p.KMSKeyArn != nil && !kmsKeyPattern.MatchString(*p.KMSKeyArn) {
		return validationError(*p.KMSKeyArn, "kMSKeyArn", "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()")
	}
	if fs := p.FileSystemConfigs; fs != nil {
		if len(*fs) > 1 {
			return validationError(len(*fs), "fileSystemConfigs", "Member must have length less than or equal to 1")
		}
		for _, c := range *fs {
			if !efsAccessPointARN.MatchString(c.Arn) {
				return validationError(c.Arn, "fileSystemConfigs.member.arn", "Member must satisfy regular expression pattern: arn:aws[a-zA-Z-]*:elasticfilesystem:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:access-point/fsap-[a-f0-9]{17}")
			}
			if !mountPathPattern.MatchString(c.LocalMountPath) {
				return validationError(c.LocalMountPath, "fileSystemConfigs.member.localMountPath", "Member must satisfy regular expression pattern: /mnt/[a-zA-Z0-9-_.]+")
			}
		}
	}
	if s := p.SnapStart; s != nil && s.ApplyOn != "PublishedVersions" && s.ApplyOn != "None" {
		return validationError(s.ApplyOn, "snapStart.applyOn", "Member must satisfy enum value set: [PublishedVersions, None]")
	}
	return nil
}

// applyAccepted sets what p names and warns, once per setting, about each
// that is set and not honoured.
func (s *Service) applyAccepted(a *Accepted, p AcceptedPatch) {
	if p.VpcConfig != nil {
		a.VpcConfig = p.VpcConfig
		if len(p.VpcConfig.SubnetIds) == 0 && len(p.VpcConfig.SecurityGroupIds) == 0 {
			a.VpcConfig = nil // AWS's way to leave a VPC
		} else {
			s.warnUnhonoured("VpcConfig", "functions run on the Gust node's own network")
		}
	}
	if p.KMSKeyArn != nil {
		a.KMSKeyArn = *p.KMSKeyArn
		if a.KMSKeyArn != "" {
			s.warnUnhonoured("KMSKeyArn", "environment variables are stored as the data directory stores them, not encrypted with this key")
		}
	}
	if p.FileSystemConfigs != nil {
		a.FileSystemConfigs = *p.FileSystemConfigs
		if len(a.FileSystemConfigs) > 0 {
			s.warnUnhonoured("FileSystemConfigs", "no EFS file system is mounted")
		}
	}
	if p.SnapStart != nil {
		a.SnapStartApplyOn = p.SnapStart.ApplyOn
		if a.SnapStartApplyOn == "PublishedVersions" {
			s.warnUnhonoured("SnapStart", "versions start from their code, not from a snapshot (OptimizationStatus stays Off)")
		}
	}
}

// warnUnhonoured logs, once per server, that a setting was accepted and
// is not honoured.
func (s *Service) warnUnhonoured(setting, why string) {
	if _, seen := s.warned.LoadOrStore(setting, true); !seen {
		s.log.Warn("accepted a setting Gust does not honour", "setting", setting, "why", why)
	}
}

// validateTracingMode accepts AWS's two modes; Active is stored and
// returned, and warned about: Gust has no X-Ray to send traces to.
func (s *Service) validateTracingMode(t *TracingConfig) error {
	if t == nil {
		return nil
	}
	switch t.Mode {
	case "PassThrough":
		return nil
	case "Active":
		s.warnUnhonoured("TracingConfig", "there is no X-Ray service to send traces to")
		return nil
	}
	return apierror.New("ValidationException", "1 validation error detected: Value '%s' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]", t.Mode)
}
