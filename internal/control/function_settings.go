package control

import (
	"cmp"
	"context"
	"regexp"

	"gust/internal/apierror"
)

// Settings of a function that Gust stores and returns as AWS does.

// Recursion is GetFunctionRecursionConfig's answer: AWS's default is
// Terminate. Gust does not detect recursive loops, which README says.
func (s *Service) Recursion(ctx context.Context, ref string) (string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", err
	}
	if err := onlyLatest(r); err != nil {
		return "", err
	}
	f, err := s.load(ctx, r.name)
	if err != nil {
		return "", err
	}
	return cmp.Or(f.RecursiveLoop, "Terminate"), nil
}

// PutRecursion sets a function's RecursiveLoop.
func (s *Service) PutRecursion(ctx context.Context, ref, loop string) (string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", err
	}
	if err := onlyLatest(r); err != nil {
		return "", err
	}
	if loop != "Allow" && loop != "Terminate" {
		v := any(loop)
		if loop == "" {
			v = "null"
		}
		return "", validationError(v, "recursiveLoop", "Member must satisfy enum value set: [Terminate, Allow]")
	}
	f, err := s.mutate(ctx, r.name, "", false, func(f *Function) error {
		f.RecursiveLoop = loop
		return nil
	})
	return f.RecursiveLoop, err
}

// RuntimeManagement is a function version's runtime update mode.
type RuntimeManagement struct {
	FunctionArn       string
	UpdateRuntimeOn   string
	RuntimeVersionArn string `json:",omitempty"`
}

var runtimeVersionARNPattern = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}::runtime:.+$`)

// GetRuntimeManagement returns a function's (or version's) runtime update
// mode: AWS's default is Auto.
func (s *Service) GetRuntimeManagement(ctx context.Context, ref, qualifier string) (RuntimeManagement, error) {
	f, err := s.Get(ctx, ref, qualifier)
	if err != nil {
		return RuntimeManagement{}, err
	}
	arn := s.FunctionARN(f.Name)
	if f.Version != Latest {
		arn += ":" + f.Version
	}
	return RuntimeManagement{FunctionArn: arn, UpdateRuntimeOn: cmp.Or(f.UpdateRuntimeOn, "Auto"), RuntimeVersionArn: f.RuntimeVersionArn}, nil
}

// PutRuntimeManagement sets $LATEST's runtime update mode.
func (s *Service) PutRuntimeManagement(ctx context.Context, ref, qualifier string, in RuntimeManagement) (RuntimeManagement, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return RuntimeManagement{}, err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return RuntimeManagement{}, err
	}
	if q != "" && q != Latest {
		return RuntimeManagement{}, apierror.InvalidParameter("Runtime management configuration can only be updated on $LATEST.")
	}
	switch in.UpdateRuntimeOn {
	case "Auto", "FunctionUpdate":
		if in.RuntimeVersionArn != "" {
			return RuntimeManagement{}, apierror.InvalidParameter("RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual.")
		}
	case "Manual":
		if !runtimeVersionARNPattern.MatchString(in.RuntimeVersionArn) {
			return RuntimeManagement{}, apierror.InvalidParameter("RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.")
		}
	default:
		v := any(in.UpdateRuntimeOn)
		if in.UpdateRuntimeOn == "" {
			v = "null"
		}
		return RuntimeManagement{}, validationError(v, "updateRuntimeOn", "Member must satisfy enum value set: [Auto, Manual, FunctionUpdate]")
	}
	f, err := s.mutate(ctx, r.name, "", false, func(f *Function) error {
		f.UpdateRuntimeOn, f.RuntimeVersionArn = in.UpdateRuntimeOn, in.RuntimeVersionArn
		return nil
	})
	if err != nil {
		return RuntimeManagement{}, err
	}
	return RuntimeManagement{FunctionArn: s.FunctionARN(f.Name), UpdateRuntimeOn: f.UpdateRuntimeOn, RuntimeVersionArn: f.RuntimeVersionArn}, nil
}
