package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// TestDeployToolCallSequences replays, with aws-sdk-go-v2 (the SDK the
// Terraform AWS provider is built on), the calls the provider makes to
// create, read, update and destroy a function with a log group, a published
// version, an alias, a public function URL, an event invoke config, a
// permission and a scheduled rule; and the calls CloudFormation makes for a
// SAM template's function, version, alias and API permission. Every read
// must return what the write set (Terraform's "no drift").
func TestDeployToolCallSequences(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	cw := logsClient(srv)
	eb := eventbridge.New(eventbridge.Options{
		Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""),
	})
	code := goFunctionZip(t)

	t.Run("terraform", func(t *testing.T) {
		ctx := gusttest.Context(t)
		const fn, group = "tf-app", "/aws/lambda/tf-app"
		arn := "arn:aws:lambda:us-east-1:000000000000:function:" + fn

		// aws_cloudwatch_log_group: create, then read.
		must(t, "CreateLogGroup", err2(cw.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group), Tags: map[string]string{"app": "tf"}})))
		must(t, "PutRetentionPolicy", err2(cw.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(14)})))
		groups, err := cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
		if err != nil || len(groups.LogGroups) != 1 || aws.ToInt32(groups.LogGroups[0].RetentionInDays) != 14 || aws.ToString(groups.LogGroups[0].LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:"+group {
			t.Fatalf("DescribeLogGroups = %+v, %v", groups, err)
		}
		logTags, err := cw.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: groups.LogGroups[0].LogGroupArn})
		if err != nil || logTags.Tags["app"] != "tf" || len(logTags.Tags) != 1 {
			t.Fatalf("Logs ListTagsForResource = %+v, %v", logTags, err)
		}

		// aws_lambda_function with publish = true: create, wait, read.
		created, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: aws.String(fn), Runtime: types.RuntimeProvidedal2023, Role: aws.String(testRole), Handler: aws.String("bootstrap"),
			Code: &types.FunctionCode{ZipFile: code}, Publish: true, MemorySize: aws.Int32(128), Timeout: aws.Int32(10),
			LoggingConfig: &types.LoggingConfig{LogFormat: types.LogFormatText, LogGroup: aws.String(group)},
			Tags:          map[string]string{"app": "tf"},
		})
		if err != nil || aws.ToString(created.FunctionArn) != arn || aws.ToString(created.Version) != "1" || created.State != types.StatePending {
			t.Fatalf("CreateFunction = %+v, %v", created, err)
		}
		readFunction := func(wantVersion string, wantMemory int32) {
			t.Helper()
			got, err := lambda.NewFunctionActiveV2Waiter(c).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn)}, time.Minute)
			if err != nil {
				t.Fatalf("waiting for Active: %v", err)
			}
			cfg := got.Configuration
			if aws.ToInt32(cfg.MemorySize) != wantMemory || aws.ToString(cfg.LoggingConfig.LogGroup) != group || got.Tags["app"] != "tf" || aws.ToString(cfg.FunctionArn) != arn {
				t.Errorf("GetFunction = %+v tags %v", cfg, got.Tags)
			}
			csc, err := c.GetFunctionCodeSigningConfig(ctx, &lambda.GetFunctionCodeSigningConfigInput{FunctionName: aws.String(fn)})
			if err != nil || aws.ToString(csc.CodeSigningConfigArn) != "" {
				t.Errorf("GetFunctionCodeSigningConfig = %+v, %v", csc, err)
			}
			versions, err := c.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(fn)})
			if err != nil || aws.ToString(versions.Versions[len(versions.Versions)-1].Version) != wantVersion {
				t.Errorf("ListVersionsByFunction = %+v, %v", versions, err)
			}
			loop, err := c.GetFunctionRecursionConfig(ctx, &lambda.GetFunctionRecursionConfigInput{FunctionName: aws.String(fn)})
			if err != nil || loop.RecursiveLoop != types.RecursiveLoopTerminate {
				t.Errorf("GetFunctionRecursionConfig = %+v, %v", loop, err)
			}
			if _, err := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String(fn)}); err != nil {
				t.Errorf("GetFunctionConcurrency: %v", err)
			}
		}
		readFunction("1", 128)

		// aws_lambda_alias.
		alias, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), FunctionVersion: aws.String("1")})
		if err != nil || aws.ToString(alias.AliasArn) != arn+":live" {
			t.Fatalf("CreateAlias = %+v, %v", alias, err)
		}
		if got, err := c.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")}); err != nil || aws.ToString(got.FunctionVersion) != "1" {
			t.Fatalf("GetAlias = %+v, %v", got, err)
		}

		// aws_lambda_function_url with authorization_type NONE: the
		// provider adds the public-access permissions, then reads.
		url, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live"), AuthType: types.FunctionUrlAuthTypeNone})
		if err != nil {
			t.Fatalf("CreateFunctionUrlConfig: %v", err)
		}
		if res, _ := do(t, urlClient(srv), "GET", aws.ToString(url.FunctionUrl), nil); res.StatusCode != 403 {
			t.Errorf("public URL before the provider's permissions: %d, want 403", res.StatusCode)
		}
		allowPublicURL(t, c, fn, "live")
		gotURL, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})
		if err != nil || aws.ToString(gotURL.FunctionUrl) != aws.ToString(url.FunctionUrl) || gotURL.AuthType != types.FunctionUrlAuthTypeNone || gotURL.InvokeMode != types.InvokeModeBuffered {
			t.Fatalf("GetFunctionUrlConfig = %+v, %v", gotURL, err)
		}
		// The test function is not an HTTP handler (it answers 502 to an
		// HTTP event); what matters here is that the policy lets it in.
		if res, body := do(t, urlClient(srv), "GET", aws.ToString(url.FunctionUrl), nil); res.StatusCode == 403 {
			t.Errorf("public URL with the provider's permissions: %d %s", res.StatusCode, body)
		}

		// aws_lambda_function_event_invoke_config: an unset destination
		// must read back unset.
		must(t, "PutFunctionEventInvokeConfig", err2(c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live"), MaximumRetryAttempts: aws.Int32(0)})))
		eic, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})
		if err != nil || aws.ToInt32(eic.MaximumRetryAttempts) != 0 || eic.DestinationConfig == nil ||
			(eic.DestinationConfig.OnSuccess != nil && eic.DestinationConfig.OnSuccess.Destination != nil) ||
			(eic.DestinationConfig.OnFailure != nil && eic.DestinationConfig.OnFailure.Destination != nil) {
			t.Fatalf("GetFunctionEventInvokeConfig = %+v, %v", eic, err)
		}

		// aws_cloudwatch_event_rule, aws_cloudwatch_event_target and the
		// aws_lambda_permission that lets the rule invoke the alias.
		rule, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("tf-every-hour"), ScheduleExpression: aws.String("rate(1 hour)")})
		if err != nil {
			t.Fatalf("PutRule: %v", err)
		}
		if got, err := eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("tf-every-hour")}); err != nil || aws.ToString(got.ScheduleExpression) != "rate(1 hour)" || aws.ToString(got.Arn) != aws.ToString(rule.RuleArn) {
			t.Fatalf("DescribeRule = %+v, %v", got, err)
		}
		must(t, "PutTargets", err2(eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("tf-every-hour"), Targets: []ebtypes.Target{{Id: aws.String("fn"), Arn: aws.String(arn + ":live")}}})))
		targets, err := eb.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("tf-every-hour")})
		if err != nil || len(targets.Targets) != 1 || aws.ToString(targets.Targets[0].Arn) != arn+":live" {
			t.Fatalf("ListTargetsByRule = %+v, %v", targets, err)
		}
		perm, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(fn), Qualifier: aws.String("live"), StatementId: aws.String("AllowExecutionFromEventBridge"),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("events.amazonaws.com"), SourceArn: rule.RuleArn})
		if err != nil {
			t.Fatalf("AddPermission: %v", err)
		}
		statement := findStatement(t, c, fn, "live", "AllowExecutionFromEventBridge")
		if statement == nil || statement["Action"] != "lambda:InvokeFunction" || fmt.Sprint(statement["Principal"]) != "map[Service:events.amazonaws.com]" ||
			fmt.Sprint(statement["Condition"]) != "map[ArnLike:map[AWS:SourceArn:"+aws.ToString(rule.RuleArn)+"]]" || statement["Resource"] != arn+":live" {
			t.Fatalf("GetPolicy statement = %v (AddPermission said %s)", statement, aws.ToString(perm.Statement))
		}

		// data "aws_lambda_invocation".
		inv, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Qualifier: aws.String("live"), Payload: []byte(`{"action":"version"}`)})
		if err != nil || string(inv.Payload) != `"1"` || aws.ToString(inv.ExecutedVersion) != "1" {
			t.Fatalf("Invoke = %s, %v", inv.Payload, err)
		}

		// Update: new code and memory, a new version, the alias moved.
		must(t, "UpdateFunctionCode", err2(c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String(fn), ZipFile: code})))
		if _, err := lambda.NewFunctionUpdatedV2Waiter(c).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn)}, time.Minute); err != nil {
			t.Fatalf("waiting for the code update: %v", err)
		}
		must(t, "UpdateFunctionConfiguration", err2(c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(fn), MemorySize: aws.Int32(256)})))
		if _, err := lambda.NewFunctionUpdatedV2Waiter(c).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn)}, time.Minute); err != nil {
			t.Fatalf("waiting for the configuration update: %v", err)
		}
		v2, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(fn)})
		if err != nil || aws.ToString(v2.Version) != "2" || aws.ToInt32(v2.MemorySize) != 256 {
			t.Fatalf("PublishVersion = %+v, %v", v2, err)
		}
		must(t, "UpdateAlias", err2(c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), FunctionVersion: aws.String("2")})))
		readFunction("2", 256)
		inv, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Qualifier: aws.String("live"), Payload: []byte(`{"action":"version"}`)})
		if err != nil || string(inv.Payload) != `"2"` {
			t.Fatalf("Invoke after the update = %s, %v", inv.Payload, err)
		}
		if findStatement(t, c, fn, "live", "AllowExecutionFromEventBridge") == nil {
			t.Errorf("the alias's permission did not survive the update")
		}

		// Destroy, in the provider's dependency order, then nothing is left.
		must(t, "RemoveTargets", err2(eb.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String("tf-every-hour"), Ids: []string{"fn"}})))
		must(t, "DeleteRule", err2(eb.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String("tf-every-hour")})))
		must(t, "RemovePermission", err2(c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(fn), Qualifier: aws.String("live"), StatementId: aws.String("AllowExecutionFromEventBridge")})))
		must(t, "DeleteFunctionEventInvokeConfig", err2(c.DeleteFunctionEventInvokeConfig(ctx, &lambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})))
		must(t, "DeleteFunctionUrlConfig", err2(c.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String(fn), Qualifier: aws.String("live")})))
		must(t, "DeleteAlias", err2(c.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})))
		must(t, "DeleteFunction", err2(c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(fn)})))
		must(t, "DeleteLogGroup", err2(cw.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)})))
		var missing *types.ResourceNotFoundException
		if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn)}); !errors.As(err, &missing) {
			t.Errorf("GetFunction after destroy: %v", err)
		}
		if left, err := cw.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)}); err != nil || len(left.LogGroups) != 0 {
			t.Errorf("log groups after destroy: %+v, %v", left, err)
		}
	})

	t.Run("sam", func(t *testing.T) {
		ctx := gusttest.Context(t)
		const fn = "sam-app-HelloFunction-1A2B3C"
		arn := "arn:aws:lambda:us-east-1:000000000000:function:" + fn
		// AWS::Lambda::Function: create, then poll until Active.
		created, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
			FunctionName: aws.String(fn), Runtime: types.RuntimeProvidedal2023, Role: aws.String(testRole), Handler: aws.String("bootstrap"),
			Code: &types.FunctionCode{ZipFile: code}, Tags: map[string]string{"lambda:createdBy": "SAM"},
			TracingConfig: &types.TracingConfig{Mode: types.TracingModePassThrough},
		})
		if err != nil {
			t.Fatalf("CreateFunction: %v", err)
		}
		if _, err := lambda.NewFunctionActiveV2Waiter(c).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn)}, time.Minute); err != nil {
			t.Fatalf("waiting for Active: %v", err)
		}
		// AWS::Lambda::Version (AutoPublishAlias): publish with the code hash.
		v, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(fn), CodeSha256: created.CodeSha256})
		if err != nil || aws.ToString(v.Version) != "1" || v.State != types.StateActive {
			t.Fatalf("PublishVersion = %+v, %v", v, err)
		}
		// AWS::Lambda::Alias, named by the version's ARN.
		if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String(fn), Name: aws.String("live"), FunctionVersion: v.Version}); err != nil {
			t.Fatalf("CreateAlias: %v", err)
		}
		// AWS::Lambda::Permission for the API, on the alias by its full ARN.
		src := "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/hello"
		if _, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(arn + ":live"), StatementId: aws.String("HelloFunctionHelloPermissionProd"),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("apigateway.amazonaws.com"), SourceArn: aws.String(src)}); err != nil {
			t.Fatalf("AddPermission: %v", err)
		}
		if st := findStatement(t, c, arn+":live", "", "HelloFunctionHelloPermissionProd"); st == nil || st["Resource"] != arn+":live" {
			t.Fatalf("GetPolicy statement = %v", st)
		}
		// Stack deletion.
		must(t, "RemovePermission", err2(c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(arn + ":live"), StatementId: aws.String("HelloFunctionHelloPermissionProd")})))
		must(t, "DeleteAlias", err2(c.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})))
		must(t, "DeleteFunction version", err2(c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(arn + ":1")})))
		must(t, "DeleteFunction", err2(c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(arn)})))
	})
}

// findStatement reads a function's (or qualifier's) policy with GetPolicy
// and returns the statement sid, as the provider's read does.
func findStatement(t *testing.T, c *lambda.Client, fn, qualifier, sid string) map[string]any {
	t.Helper()
	in := &lambda.GetPolicyInput{FunctionName: aws.String(fn)}
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
	}
	out, err := c.GetPolicy(gusttest.Context(t), in)
	if err != nil {
		t.Fatalf("GetPolicy: %v", err)
	}
	var policy struct {
		Version, Id string
		Statement   []map[string]any
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &policy); err != nil || policy.Version != "2012-10-17" || policy.Id != "default" || aws.ToString(out.RevisionId) == "" {
		t.Fatalf("GetPolicy = %s (%v)", aws.ToString(out.Policy), err)
	}
	for _, st := range policy.Statement {
		if st["Sid"] == sid && st["Effect"] == "Allow" {
			return st
		}
	}
	return nil
}

// err2 keeps the error of a call whose output the replay does not read.
func err2[T any](_ T, err error) error { return err }

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
