package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/spf13/cobra"
)

// defaultRole is the execution role of functions the CLI creates without
// --role. deploy creates it when missing: trusted by Lambda, with AWS's
// AWSLambdaBasicExecutionRole (logs) and AWSLambdaRole (invoking
// functions), so functions deployed the quick way can call each other,
// whether or not the server runs with --any-role.
const defaultRole = "gust-function"

// defaultRolePolicies are attached to defaultRole when deploy creates it.
var defaultRolePolicies = []string{
	"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	"arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
}

const lambdaTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// deploySpec is what `gust deploy` and `gust dev` make a function look like.
type deploySpec struct {
	Dir     string
	Name    string
	Runtime string
	Handler string
	Memory  int32
	Timeout int32
	Env     []string // K=V
	Role    string   // execution role ARN; empty: defaultRole
}

func (s *deploySpec) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.Name, "name", "", "function name (default: the folder's name)")
	f.StringVar(&s.Runtime, "runtime", "", "runtime, e.g. python3.11, nodejs20.x, provided.al2023 (required to create)")
	f.StringVar(&s.Handler, "handler", "", "handler, e.g. app.handler (required to create)")
	f.Int32Var(&s.Memory, "memory", 0, "memory in MB (default: 128 on create, unchanged on update)")
	f.Int32Var(&s.Timeout, "timeout", 0, "timeout in seconds (default: 3 on create, unchanged on update)")
	f.StringVar(&s.Role, "role", "", "execution role ARN of a new function (default: the role "+defaultRole+", created when missing)")
	f.StringArrayVar(&s.Env, "env", nil, "environment variable K=V; repeatable (replaces all variables when given)")
}

func (s *deploySpec) resolve(args []string) error {
	s.Dir = args[0]
	if st, err := os.Stat(s.Dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a folder", s.Dir)
	}
	if s.Name == "" {
		abs, err := filepath.Abs(s.Dir)
		if err != nil {
			return err
		}
		s.Name = filepath.Base(abs)
	}
	for _, kv := range s.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("--env %q: want K=V", kv)
		}
	}
	return nil
}

func (s *deploySpec) environment() *types.Environment {
	if s.Env == nil {
		return nil
	}
	vars := map[string]string{}
	for _, kv := range s.Env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	return &types.Environment{Variables: vars}
}

func deployCommand() *cobra.Command {
	var spec deploySpec
	cmd := &cobra.Command{
		Use:   "deploy DIR",
		Short: "Zip a folder and create or update a function from it",
		Example: `  gust deploy ./hello --name hello --runtime python3.11 --handler app.handler
  gust deploy ./hello --env GREETING=hi --memory 256`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := spec.resolve(args); err != nil {
				return err
			}
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			arn, err := deploy(cmd.Context(), c, spec)
			if err != nil {
				return c.explain(err)
			}
			fmt.Println(arn)
			return nil
		},
	}
	spec.flags(cmd)
	return cmd
}

// deploy creates the function or updates its code and configuration, then
// waits until the last update succeeded.
func deploy(ctx context.Context, c *clients, s deploySpec) (string, error) {
	step("zipping %s", s.Dir)
	code, files, err := zipDir(s.Dir)
	if err != nil {
		return "", err
	}
	step("%d files, %d bytes", files, len(code))
	_, err = c.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &s.Name})
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		if s.Runtime == "" || s.Handler == "" {
			return "", fmt.Errorf("function %s does not exist yet: --runtime and --handler are needed to create it", s.Name)
		}
		role := s.Role
		if role == "" {
			if role, err = ensureDefaultRole(ctx, c); err != nil {
				return "", err
			}
		}
		step("creating function %s (%s, %s)", s.Name, s.Runtime, s.Handler)
		in := &lambda.CreateFunctionInput{
			FunctionName: &s.Name, Runtime: types.Runtime(s.Runtime), Handler: &s.Handler,
			Role: aws.String(role), Code: &types.FunctionCode{ZipFile: code}, Environment: s.environment(),
		}
		if s.Memory > 0 {
			in.MemorySize = &s.Memory
		}
		if s.Timeout > 0 {
			in.Timeout = &s.Timeout
		}
		if _, err := c.lambda.CreateFunction(ctx, in); err != nil {
			return "", fmt.Errorf("creating %s: %w", s.Name, err)
		}
	case err != nil:
		return "", err
	default:
		step("updating code of %s", s.Name)
		if _, err := c.lambda.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: &s.Name, ZipFile: code}); err != nil {
			return "", fmt.Errorf("updating code of %s: %w", s.Name, err)
		}
		if _, err := waitUpdated(ctx, c, s.Name); err != nil {
			return "", err
		}
		in := &lambda.UpdateFunctionConfigurationInput{FunctionName: &s.Name, Environment: s.environment()}
		changed := s.Env != nil
		if s.Runtime != "" {
			in.Runtime, changed = types.Runtime(s.Runtime), true
		}
		if s.Handler != "" {
			in.Handler, changed = &s.Handler, true
		}
		if s.Memory > 0 {
			in.MemorySize, changed = &s.Memory, true
		}
		if s.Timeout > 0 {
			in.Timeout, changed = &s.Timeout, true
		}
		if changed {
			step("updating configuration of %s", s.Name)
			if _, err := c.lambda.UpdateFunctionConfiguration(ctx, in); err != nil {
				return "", fmt.Errorf("updating configuration of %s: %w", s.Name, err)
			}
		}
	}
	step("waiting until %s is active", s.Name)
	cfg, err := waitUpdated(ctx, c, s.Name)
	if err != nil {
		return "", err
	}
	step("deployed %s", s.Name)
	return aws.ToString(cfg.FunctionArn), nil
}

// waitUpdated polls every 100 ms (SDK waiters wait at least a second, too
// slow for hot reload) until the function is Active and its last update
// Successful.
func waitUpdated(ctx context.Context, c *clients, name string) (*lambda.GetFunctionConfigurationOutput, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	for {
		cfg, err := c.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &name})
		if err != nil {
			return nil, err
		}
		if cfg.State == types.StateFailed || cfg.LastUpdateStatus == types.LastUpdateStatusFailed {
			return nil, fmt.Errorf("function %s failed: %s %s", name, aws.ToString(cfg.StateReason), aws.ToString(cfg.LastUpdateStatusReason))
		}
		if cfg.State == types.StateActive && (cfg.LastUpdateStatus == "" || cfg.LastUpdateStatus == types.LastUpdateStatusSuccessful) {
			return cfg, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s to become active: %w", name, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// zipDir zips a folder in memory, keeping each file's mode (a bootstrap must
// stay executable). Hidden files and folders (.git, .venv) are left out.
func zipDir(dir string) ([]byte, int, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") || d.Name() == "__pycache__" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		files++
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("zipping %s: %w", dir, err)
	}
	if files == 0 {
		return nil, 0, fmt.Errorf("%s has no files to deploy", dir)
	}
	if err := zw.Close(); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), files, nil
}

// ensureDefaultRole returns defaultRole's ARN, creating the role first
// when the account has none of that name.
func ensureDefaultRole(ctx context.Context, c *clients) (string, error) {
	got, err := c.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(defaultRole)})
	if err == nil {
		return aws.ToString(got.Role.Arn), nil
	}
	var missing *iamtypes.NoSuchEntityException
	if !errors.As(err, &missing) {
		return "", fmt.Errorf("reading role %s (or pass --role): %w", defaultRole, err)
	}
	step("creating role %s", defaultRole)
	created, err := c.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(defaultRole), AssumeRolePolicyDocument: aws.String(lambdaTrustPolicy),
		Description: aws.String("Execution role of functions created by gust deploy")})
	var exists *iamtypes.EntityAlreadyExistsException
	switch {
	case errors.As(err, &exists): // created meanwhile by another deploy
		return ensureDefaultRole(ctx, c)
	case err != nil:
		return "", fmt.Errorf("creating role %s (or pass --role): %w", defaultRole, err)
	}
	for _, arn := range defaultRolePolicies {
		if _, err := c.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(defaultRole), PolicyArn: aws.String(arn)}); err != nil {
			return "", fmt.Errorf("attaching %s to %s: %w", arn, defaultRole, err)
		}
	}
	return aws.ToString(created.Role.Arn), nil
}
