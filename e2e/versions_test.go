package e2e

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

func TestVersionsAndQualifiers(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	created := createFunction(t, c, "versioned", goFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"STAGE": "one"}}
		in.Publish = true
	})
	// AWS answers with the unqualified ARN and the published version.
	if aws.ToString(created.Version) != "1" || !strings.HasSuffix(aws.ToString(created.FunctionArn), ":function:versioned") {
		t.Fatalf("CreateFunction with Publish: version %s arn %s", aws.ToString(created.Version), aws.ToString(created.FunctionArn))
	}
	// Nothing changed: publishing again returns version 1.
	again, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("versioned")})
	if err != nil || aws.ToString(again.Version) != "1" {
		t.Fatalf("unchanged publish = %v, %v", aws.ToString(again.Version), err)
	}
	latest, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("versioned"), Environment: &types.Environment{Variables: map[string]string{"STAGE": "two"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The update is InProgress; once Successful, $LATEST has a new
	// RevisionId (the SDK's waiter polls for it, as on AWS).
	updated, err := lambda.NewFunctionUpdatedV2Waiter(c).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("versioned")}, time.Minute)
	if err != nil || aws.ToString(updated.Configuration.RevisionId) == aws.ToString(latest.RevisionId) {
		t.Fatalf("waiting for the update: %v", err)
	}
	latest.RevisionId = updated.Configuration.RevisionId
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("versioned"), RevisionId: aws.String("stale")}); apiErrorCode(err) != "PreconditionFailedException" {
		t.Errorf("publish with stale RevisionId: %v", err)
	}
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("versioned"), CodeSha256: aws.String("AAAA")}); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("publish with wrong CodeSha256: %v", err)
	}
	v2, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("versioned"), Description: aws.String("second"), CodeSha256: latest.CodeSha256, RevisionId: latest.RevisionId})
	if err != nil || aws.ToString(v2.Version) != "2" || aws.ToString(v2.Description) != "second" {
		t.Fatalf("second publish = %+v, %v", v2, err)
	}
	// UpdateFunctionCode with Publish makes version 3.
	v3, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("versioned"), ZipFile: goFunctionZip(t), Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(v3.Version) != "2" && aws.ToString(v3.Version) != "3" {
		t.Fatalf("UpdateFunctionCode with Publish: version %s", aws.ToString(v3.Version))
	}

	list, err := c.ListVersionsByFunction(ctx, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("versioned")})
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	for _, v := range list.Versions {
		versions = append(versions, aws.ToString(v.Version))
	}
	if strings.Join(versions, ",") != "$LATEST,1,2" {
		t.Fatalf("versions = %v", versions)
	}

	// Qualified reads show the snapshot.
	one, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("versioned"), Qualifier: aws.String("1")})
	if err != nil {
		t.Fatal(err)
	}
	if one.Environment.Variables["STAGE"] != "one" || aws.ToString(one.Version) != "1" {
		t.Errorf("version 1 = %v %s", one.Environment.Variables, aws.ToString(one.Version))
	}
	byARN, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:000000000000:function:versioned:2")})
	if err != nil || byARN.Configuration.Environment.Variables["STAGE"] != "two" {
		t.Errorf("GetFunction by qualified ARN: %v", err)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("versioned"), Qualifier: aws.String("9")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Errorf("missing version: %v", err)
	}

	// Invoking a version runs that snapshot with a qualified ARN.
	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("versioned"), Qualifier: aws.String("1"), Payload: []byte(`{"action":"context"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var got contextResult
	json.Unmarshal(res.Payload, &got)
	if aws.ToString(res.ExecutedVersion) != "1" || got.Env["STAGE"] != "one" || got.Env["AWS_LAMBDA_FUNCTION_VERSION"] != "1" || !strings.HasSuffix(got.FunctionArn, ":versioned:1") {
		t.Errorf("invoke version 1: executed %s, env %s/%s, arn %s", aws.ToString(res.ExecutedVersion), got.Env["STAGE"], got.Env["AWS_LAMBDA_FUNCTION_VERSION"], got.FunctionArn)
	}
	res, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("versioned"), Payload: []byte(`{"action":"context"}`)})
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(res.Payload, &got)
	if aws.ToString(res.ExecutedVersion) != "$LATEST" || got.Env["STAGE"] != "two" {
		t.Errorf("invoke unqualified: executed %s, env %s", aws.ToString(res.ExecutedVersion), got.Env["STAGE"])
	}

	// Deleting: $LATEST cannot go alone; a version can.
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("versioned"), Qualifier: aws.String("$LATEST")}); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("delete $LATEST: %v", err)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("versioned"), Qualifier: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("versioned"), Qualifier: aws.String("1")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Errorf("deleted version still there: %v", err)
	}
	// Deleting the function removes its versions: a new function of the
	// same name starts at version 1 again.
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("versioned")}); err != nil {
		t.Fatal(err)
	}
	recreated := createFunction(t, c, "versioned", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Publish = true })
	if aws.ToString(recreated.Version) != "1" {
		t.Fatalf("re-created function published version %s", aws.ToString(recreated.Version))
	}
}

func TestAliasesAndWeightedRouting(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createFunction(t, c, "aliased", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Publish = true })
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("aliased"), Description: aws.String("v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("aliased")}); err != nil {
		t.Fatal(err)
	}

	alias, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("aliased"), Name: aws.String("live"), FunctionVersion: aws.String("1"), Description: aws.String("production")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(alias.AliasArn) != "arn:aws:lambda:us-east-1:000000000000:function:aliased:live" || aws.ToString(alias.RevisionId) == "" {
		t.Errorf("alias = %+v", alias)
	}
	for _, tc := range []struct {
		name, version, code string
		weights             map[string]float64
	}{
		{"123", "1", "ValidationException", nil},
		{"ghost", "9", "ResourceNotFoundException", nil},
		{"live", "1", "ResourceConflictException", nil},
		{"mixed", "$LATEST", "InvalidParameterValueException", map[string]float64{"2": 0.5}},
		{"heavy", "1", "ValidationException", map[string]float64{"2": 1.5}},
	} {
		in := &lambda.CreateAliasInput{FunctionName: aws.String("aliased"), Name: aws.String(tc.name), FunctionVersion: aws.String(tc.version)}
		if tc.weights != nil {
			in.RoutingConfig = &types.AliasRoutingConfiguration{AdditionalVersionWeights: tc.weights}
		}
		if _, err := c.CreateAlias(ctx, in); apiErrorCode(err) != tc.code {
			t.Errorf("CreateAlias %s→%s: %v, want %s", tc.name, tc.version, err, tc.code)
		}
	}

	// An alias invoke runs its version and says so.
	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("aliased:live"), Payload: []byte(`{"action":"context"}`)})
	if err != nil {
		t.Fatal(err)
	}
	var got contextResult
	json.Unmarshal(res.Payload, &got)
	if aws.ToString(res.ExecutedVersion) != "1" || !strings.HasSuffix(got.FunctionArn, ":aliased:live") {
		t.Errorf("alias invoke: executed %s, invoked ARN %s", aws.ToString(res.ExecutedVersion), got.FunctionArn)
	}

	// UpdateAlias with a stale RevisionId fails; with the current one it
	// adds a 30% weight for version 2.
	if _, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String("aliased"), Name: aws.String("live"), RevisionId: aws.String("stale")}); apiErrorCode(err) != "PreconditionFailedException" {
		t.Errorf("stale UpdateAlias: %v", err)
	}
	const weight = 0.3
	updated, err := c.UpdateAlias(ctx, &lambda.UpdateAliasInput{
		FunctionName: aws.String("aliased"), Name: aws.String("live"), RevisionId: alias.RevisionId,
		RoutingConfig: &types.AliasRoutingConfiguration{AdditionalVersionWeights: map[string]float64{"2": weight}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.RoutingConfig == nil || updated.RoutingConfig.AdditionalVersionWeights["2"] != weight {
		t.Fatalf("routing config = %+v", updated.RoutingConfig)
	}
	const n = 400
	counts := map[string]int{}
	for range n {
		res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("aliased"), Qualifier: aws.String("live"), Payload: []byte(`{"action":"version"}`)})
		if err != nil {
			t.Fatal(err)
		}
		var ran string
		json.Unmarshal(res.Payload, &ran)
		if ran != aws.ToString(res.ExecutedVersion) {
			t.Fatalf("X-Amz-Executed-Version %s but version %s ran", aws.ToString(res.ExecutedVersion), ran)
		}
		counts[ran]++
	}
	// Binomial(400, 0.3): mean 120, sd 9.2; five sd either side.
	mean, sd := n*weight, math.Sqrt(n*weight*(1-weight))
	if got := float64(counts["2"]); math.Abs(got-mean) > 5*sd || counts["1"]+counts["2"] != n {
		t.Errorf("weighted routing ran %v; want version 2 about %.0f±%.0f times", counts, mean, 5*sd)
	}

	// A version an alias routes to cannot be deleted.
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("aliased"), Qualifier: aws.String("2")}); apiErrorCode(err) != "ResourceConflictException" {
		t.Errorf("deleting a routed version: %v", err)
	}
	if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("aliased"), Name: aws.String("beta"), FunctionVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	aliases, err := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("aliased")})
	if err != nil || len(aliases.Aliases) != 2 {
		t.Fatalf("ListAliases = %v, %v", aliases, err)
	}
	onlyTwo, err := c.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("aliased"), FunctionVersion: aws.String("2")})
	if err != nil || len(onlyTwo.Aliases) != 1 || aws.ToString(onlyTwo.Aliases[0].Name) != "beta" {
		t.Fatalf("ListAliases for version 2 = %v, %v", onlyTwo, err)
	}
	got2, err := c.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("aliased"), Name: aws.String("beta")})
	if err != nil || aws.ToString(got2.FunctionVersion) != "2" {
		t.Fatalf("GetAlias = %v, %v", got2, err)
	}
	if _, err := c.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("aliased"), Name: aws.String("beta")}); err != nil {
		t.Fatal(err)
	}
	var nf *types.ResourceNotFoundException
	if _, err := c.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String("aliased"), Name: aws.String("beta")}); !errors.As(err, &nf) {
		t.Errorf("deleted alias: %v", err)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("aliased:beta")}); !errors.As(err, &nf) {
		t.Errorf("invoking a deleted alias: %v", err)
	}
}

// TestInvokeSeesEveryChange: invocations look their function up from
// memory; every change to it (configuration, deletion, a new function of
// the same name, a new version) is seen by the next invocation.
func TestInvokeSeesEveryChange(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	stage := func(qualifier string) string {
		t.Helper()
		in := &lambda.InvokeInput{FunctionName: aws.String("changing"), Payload: []byte(`{"action":"context"}`)}
		if qualifier != "" {
			in.Qualifier = aws.String(qualifier)
		}
		res, err := c.Invoke(ctx, in)
		if err != nil {
			t.Fatalf("invoke %s: %v", qualifier, err)
		}
		var got contextResult
		if err := json.Unmarshal(res.Payload, &got); err != nil {
			t.Fatalf("invoke %s: %v in %s", qualifier, err, res.Payload)
		}
		return got.Env["STAGE"]
	}
	withStage := func(s string) func(*lambda.CreateFunctionInput) {
		return func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"STAGE": s}}
		}
	}
	createFunction(t, c, "changing", goFunctionZip(t), withStage("one"))
	if got := stage(""); got != "one" {
		t.Fatalf("first invoke: STAGE %q", got)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("changing"), Environment: &types.Environment{Variables: map[string]string{"STAGE": "two"}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := stage(""); got != "two" {
		t.Errorf("after UpdateFunctionConfiguration: STAGE %q, want two", got)
	}
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("changing")}); err != nil {
		t.Fatal(err)
	}
	if got := stage("1"); got != "two" {
		t.Errorf("version 1: STAGE %q, want two", got)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("changing")}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "1"} {
		in := &lambda.InvokeInput{FunctionName: aws.String("changing")}
		if q != "" {
			in.Qualifier = aws.String(q)
		}
		if _, err := c.Invoke(ctx, in); apiErrorCode(err) != "ResourceNotFoundException" {
			t.Errorf("invoking the deleted function (qualifier %q): %v", q, err)
		}
	}
	createFunction(t, c, "changing", goFunctionZip(t), withStage("three"))
	if got := stage(""); got != "three" {
		t.Errorf("a new function of the same name: STAGE %q, want three", got)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("changing"), Qualifier: aws.String("1")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Errorf("version 1 of the new function: %v", err)
	}
}
