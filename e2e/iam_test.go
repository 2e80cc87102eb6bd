package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"gust/internal/gusttest"
	"gust/internal/iam"
)

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// apiResult is what gofn's "api" action reports.
type apiResult struct {
	OK              bool   `json:"ok"`
	Code            string `json:"code"`
	Message         string `json:"message"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
}

func lambdaAs(srv *gusttest.Server, id, secret, token string) *lambda.Client {
	return lambda.New(lambda.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, token), RetryMaxAttempts: 1})
}

func stsAs(srv *gusttest.Server, id, secret, token string) *sts.Client {
	return sts.New(sts.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, token), RetryMaxAttempts: 1})
}

func iamAs(srv *gusttest.Server, id, secret, token string) *awsiam.Client {
	return awsiam.New(awsiam.Options{Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(id, secret, token), RetryMaxAttempts: 1})
}

func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// TestIAMExecutionRoles: with roles enforced, a function's credentials are
// its role's session: they do exactly what the role's policies allow
// (invoke one target), everything else is AccessDeniedException with AWS's
// message, a forged or expired token is refused, and deleting the function
// ends them.
func TestIAMExecutionRoles(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{StrictRoles: true})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	const account = "000000000000"
	roleARN := "arn:aws:iam::" + account + ":role/caller-role"

	// A role named but not created, or not trusting Lambda, cannot be a
	// function's role; nothing is stored.
	_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("orphan"), Runtime: "provided.al2023",
		Role: aws.String(roleARN), Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunctionZip(t)}})
	if apiErrorCode(err) != "InvalidParameterValueException" || !strings.Contains(err.Error(), "The role defined for the function cannot be assumed by Lambda.") {
		t.Fatalf("CreateFunction with a missing role: %v", err)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("orphan")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Fatalf("refused function stored: %v", err)
	}
	mustAWSCLI(t, srv, cliV1, "iam", "create-role", "--role-name", "no-trust", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("orphan"), Runtime: "provided.al2023",
		Role: aws.String("arn:aws:iam::" + account + ":role/no-trust"), Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunctionZip(t)}})
	if apiErrorCode(err) != "InvalidParameterValueException" {
		t.Fatalf("CreateFunction with a role that does not trust Lambda: %v", err)
	}

	// The role: logs (AWS's managed policy) and invoking "target" only.
	role := mustAWSCLI(t, srv, cliV1, "iam", "create-role", "--role-name", "caller-role", "--assume-role-policy-document", lambdaTrust)
	roleID := role["Role"].(map[string]any)["RoleId"].(string)
	pol := mustAWSCLI(t, srv, cliV2, "iam", "create-policy", "--policy-name", "invoke-target", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:target"}]}`)
	polARN := pol["Policy"].(map[string]any)["Arn"].(string)
	mustAWSCLI(t, srv, cliV2, "iam", "attach-role-policy", "--role-name", "caller-role", "--policy-arn", polARN)
	mustAWSCLI(t, srv, cliV1, "iam", "attach-role-policy", "--role-name", "caller-role", "--policy-arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")

	for _, name := range []string{"target", "victim", "caller"} {
		createFunction(t, c, name, goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Role = aws.String(roleARN); in.Timeout = aws.Int32(20) })
	}
	call := func(arg string) apiResult {
		t.Helper()
		var r apiResult
		invokeJSON(t, c, "caller", map[string]any{"action": "api", "arg": arg}, &r)
		return r
	}
	if r := call("Invoke:target"); !r.OK {
		t.Errorf("invoking the allowed target: %+v", r)
	}
	principal := "arn:aws:sts::" + account + ":assumed-role/caller-role/caller"
	victimARN := "arn:aws:lambda:" + gusttest.Region + ":" + account + ":function:victim"
	for arg, want := range map[string]string{
		"DeleteFunction:victim": "User: " + principal + " is not authorized to perform: lambda:DeleteFunction on resource: " + victimARN +
			" because no identity-based policy allows the lambda:DeleteFunction action",
		"ListFunctions": "User: " + principal + " is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action",
		"Invoke:victim": "User: " + principal + " is not authorized to perform: lambda:InvokeFunction on resource: " + victimARN +
			" because no identity-based policy allows the lambda:InvokeFunction action",
	} {
		if r := call(arg); r.Code != "AccessDeniedException" || r.Message != want {
			t.Errorf("%s from inside: %s %q, want AccessDeniedException %q", arg, r.Code, r.Message, want)
		}
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("victim")}); err != nil {
		t.Fatalf("victim after a refused delete: %v", err)
	}

	// The same from a Python function with boto3 (the runtime's own).
	createRuntimeFunction(t, c, "pycaller", pythonRuntime(t), "app.handler", fixtureZip(t, "pyfn"), func(in *lambda.CreateFunctionInput) {
		in.Role, in.Timeout = aws.String(roleARN), aws.Int32(20)
	})
	var ok callResult
	invokeJSON(t, c, "pycaller", map[string]any{"action": "call", "arg": "target", "payload": map[string]any{"action": "echo", "arg": "py"}}, &ok)
	if ok.Status != 200 || ok.Payload.Arg != "py" {
		t.Errorf("boto3 invoking the allowed target: %+v", ok)
	}
	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("pycaller"), Payload: []byte(`{"action":"call","arg":"victim","payload":{}}`)})
	if err != nil || res.FunctionError == nil || !strings.Contains(string(res.Payload), "An error occurred (AccessDeniedException) when calling the Invoke operation: User: arn:aws:sts::"+account+
		":assumed-role/caller-role/pycaller is not authorized to perform: lambda:InvokeFunction on resource: "+victimARN) {
		t.Errorf("boto3 invoking victim: %v %s", err, res.Payload)
	}

	// The function's credentials are temporary, name the role session, and
	// work as exactly that from anywhere.
	creds := call("GetFunction:target")
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" || creds.AccessKeyID == gusttest.AccessKeyID {
		t.Fatalf("function credentials: %+v", creds)
	}
	who, err := stsAs(srv, creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != principal || aws.ToString(who.Account) != account || aws.ToString(who.UserId) != roleID+":caller" {
		t.Fatalf("GetCallerIdentity with the function's credentials: %v %+v", err, who)
	}
	fnClient := lambdaAs(srv, creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	if _, err := fnClient.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("target"), Payload: []byte(`{"action":"echo"}`)}); err != nil {
		t.Fatalf("invoking target from outside with the function's credentials: %v", err)
	}

	// A forged token (one character changed), a token without its key, and
	// an expired one sealed with the server's own secret are refused.
	forged := []byte(creds.SessionToken)
	forged[len(forged)/2] ^= 1
	if _, err := lambdaAs(srv, creds.AccessKeyID, creds.SecretAccessKey, string(forged)).ListFunctions(ctx, &lambda.ListFunctionsInput{}); apiErrorCode(err) != "UnrecognizedClientException" || httpStatus(err) != 403 {
		t.Errorf("forged token: %v", err)
	}
	if _, err := stsAs(srv, creds.AccessKeyID, creds.SecretAccessKey, string(forged)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiErrorCode(err) != "InvalidClientTokenId" {
		t.Errorf("forged token on STS: %v", err)
	}
	if _, err := lambdaAs(srv, creds.AccessKeyID, creds.SecretAccessKey, "").ListFunctions(ctx, &lambda.ListFunctionsInput{}); apiErrorCode(err) != "UnrecognizedClientException" {
		t.Errorf("session key without its token: %v", err)
	}
	expired := iam.SealSession(gusttest.SecretAccessKey, roleARN, roleID, "old", time.Now().Add(-time.Minute))
	if _, err := lambdaAs(srv, expired.AccessKeyID, expired.SecretAccessKey, expired.SessionToken).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("target")}); apiErrorCode(err) != "ExpiredTokenException" ||
		!strings.Contains(err.Error(), "The security token included in the request is expired") {
		t.Errorf("expired token: %v", err)
	}
	if _, err := stsAs(srv, expired.AccessKeyID, expired.SecretAccessKey, expired.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiErrorCode(err) != "ExpiredToken" {
		t.Errorf("expired token on STS: %v", err)
	}
	other := iam.SealSession("not-the-server-secret", roleARN, roleID, "x", time.Now().Add(time.Hour))
	if _, err := lambdaAs(srv, other.AccessKeyID, other.SecretAccessKey, other.SessionToken).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("target")}); apiErrorCode(err) != "UnrecognizedClientException" {
		t.Errorf("token sealed with another secret: %v", err)
	}

	// A credential scope naming another region is refused, as AWS does.
	wrongRegion := lambda.New(lambda.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""), RetryMaxAttempts: 1})
	if _, err := wrongRegion.ListFunctions(ctx, &lambda.ListFunctionsInput{}); apiErrorCode(err) != "InvalidSignatureException" {
		t.Errorf("another region's scope: %v", err)
	}

	// Deleting the function ends its credentials.
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("caller")}); err != nil {
		t.Fatal(err)
	}
	if _, err := fnClient.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("target"), Payload: []byte(`{}`)}); apiErrorCode(err) != "UnrecognizedClientException" {
		t.Errorf("deleted function's credentials: %v", err)
	}

	// A role in use cannot be deleted before its policies are detached;
	// once deleted, sessions of it end.
	mustAWSCLI(t, srv, cliV1, "iam", "create-role", "--role-name", "ops", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+account+`:root"},"Action":"sts:AssumeRole"}]}`)
	mustAWSCLI(t, srv, cliV1, "iam", "put-role-policy", "--role-name", "ops", "--policy-name", "read", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:Get*","lambda:List*"],"Resource":"*"}]}`)
	assumed, err := stsAs(srv, gusttest.AccessKeyID, gusttest.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/ops"), RoleSessionName: aws.String("ana"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if got := aws.ToString(assumed.AssumedRoleUser.Arn); got != "arn:aws:sts::"+account+":assumed-role/ops/ana" {
		t.Errorf("AssumedRoleUser %s", got)
	}
	if d := time.Until(aws.ToTime(assumed.Credentials.Expiration)); d < 14*time.Minute || d > 16*time.Minute {
		t.Errorf("Expiration in %v, want 15m", d)
	}
	ops := lambdaAs(srv, aws.ToString(assumed.Credentials.AccessKeyId), aws.ToString(assumed.Credentials.SecretAccessKey), aws.ToString(assumed.Credentials.SessionToken))
	if _, err := ops.ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
		t.Errorf("assumed role listing: %v", err)
	}
	if _, err := ops.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("target")}); apiErrorCode(err) != "AccessDeniedException" {
		t.Errorf("assumed role deleting: %v", err)
	}
	for _, bad := range []*sts.AssumeRoleInput{
		{RoleArn: aws.String("arn:aws:iam::" + account + ":role/ops"), RoleSessionName: aws.String("ana"), DurationSeconds: aws.Int32(100)},
		{RoleArn: aws.String("arn:aws:iam::" + account + ":role/ops"), RoleSessionName: aws.String("ana"), DurationSeconds: aws.Int32(7200)},
		{RoleArn: aws.String("arn:aws:iam::" + account + ":role/ops"), RoleSessionName: aws.String("a b")},
	} {
		if _, err := stsAs(srv, gusttest.AccessKeyID, gusttest.SecretAccessKey, "").AssumeRole(ctx, bad); apiErrorCode(err) != "ValidationError" {
			t.Errorf("AssumeRole %v: %v", bad, err)
		}
	}
	if _, err := stsAs(srv, gusttest.AccessKeyID, gusttest.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(roleARN), RoleSessionName: aws.String("xy")}); apiErrorCode(err) != "AccessDenied" {
		t.Errorf("assuming a role that trusts only Lambda: %v", err)
	}
	if _, err := awsCLI(t, srv, cliV1, "iam", "delete-role", "--role-name", "ops"); err == nil || !strings.Contains(err.Error(), "DeleteConflict") {
		t.Errorf("deleting a role with policies: %v", err)
	}
	mustAWSCLI(t, srv, cliV1, "iam", "delete-role-policy", "--role-name", "ops", "--policy-name", "read")
	mustAWSCLI(t, srv, cliV1, "iam", "delete-role", "--role-name", "ops")
	if _, err := ops.ListFunctions(ctx, &lambda.ListFunctionsInput{}); apiErrorCode(err) != "UnrecognizedClientException" {
		t.Errorf("session of a deleted role: %v", err)
	}
}

// TestIAMReadOnlyUser: a user with AWS's AWSLambda_ReadOnlyAccess can
// list and read through every client but not change anything.
func TestIAMReadOnlyUser(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{StrictRoles: true})
	c := srv.Lambda()
	mustAWSCLI(t, srv, cliV1, "iam", "create-role", "--role-name", "fn", "--assume-role-policy-document", lambdaTrust)
	createFunction(t, c, "readable", goFunctionZip(t), func(in *lambda.CreateFunctionInput) {
		in.Role = aws.String("arn:aws:iam::000000000000:role/fn")
	})
	mustAWSCLI(t, srv, cliV2, "iam", "create-user", "--user-name", "reader")
	mustAWSCLI(t, srv, cliV2, "iam", "attach-user-policy", "--user-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")
	key := mustAWSCLI(t, srv, cliV1, "iam", "create-access-key", "--user-name", "reader")["AccessKey"].(map[string]any)
	id, secret := key["AccessKeyId"].(string), key["SecretAccessKey"].(string)
	env := withKeys(awsEnv(srv), id, secret, "")

	script := `
import boto3, json, os, sys
from botocore.exceptions import ClientError
kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
lam, iam = boto3.client("lambda", **kw), boto3.client("iam", **kw)
def code(f):
    try:
        f()
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"] + "|" + e.response["Error"]["Message"]
print(json.dumps({
    "list": [f["FunctionName"] for f in lam.list_functions()["Functions"]],
    "get": lam.get_function(FunctionName="readable")["Configuration"]["FunctionName"],
    "delete": code(lambda: lam.delete_function(FunctionName="readable")),
    "update": code(lambda: lam.update_function_configuration(FunctionName="readable", Timeout=9)),
    "listRoles": code(lambda: iam.list_roles()),
    "createRole": code(lambda: iam.create_role(RoleName="x", AssumeRolePolicyDocument="{}")),
    "whoami": boto3.client("sts", **kw).get_caller_identity()["Arn"],
}))
`
	for _, py := range []string{pythonNew, pythonDebian} {
		var got map[string]any
		out := runPythonWith(t, env, py, script)
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %s", py, out)
		}
		user := "arn:aws:iam::000000000000:user/reader"
		want := map[string]any{
			"list": []any{"readable"}, "get": "readable", "listRoles": "ok", "whoami": user,
			"delete":     "AccessDeniedException|User: " + user + " is not authorized to perform: lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:readable because no identity-based policy allows the lambda:DeleteFunction action",
			"update":     "AccessDeniedException|User: " + user + " is not authorized to perform: lambda:UpdateFunctionConfiguration on resource: arn:aws:lambda:us-east-1:000000000000:function:readable because no identity-based policy allows the lambda:UpdateFunctionConfiguration action",
			"createRole": "AccessDenied|User: " + user + " is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::000000000000:role/x because no identity-based policy allows the iam:CreateRole action",
		}
		for k, v := range want {
			if fmt.Sprint(got[k]) != fmt.Sprint(v) {
				t.Errorf("%s %s = %v, want %v", py, k, got[k], v)
			}
		}
	}
	for _, cli := range []string{cliV1, cliV2} {
		if _, err := awsCLIWith(t, srv, env, cli, "lambda", "get-function-configuration", "--function-name", "readable"); err != nil {
			t.Errorf("%s reading: %v", cli, err)
		}
		if _, err := awsCLIWith(t, srv, env, cli, "lambda", "delete-function", "--function-name", "readable"); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
			t.Errorf("%s deleting: %v", cli, err)
		}
	}
	if _, err := c.GetFunction(gusttest.Context(t), &lambda.GetFunctionInput{FunctionName: aws.String("readable")}); err != nil {
		t.Errorf("function gone after refused deletes: %v", err)
	}
	// CloudWatch Logs and EventBridge ask the same evaluator.
	if _, err := awsCLIWith(t, srv, env, cliV1, "logs", "describe-log-groups"); err != nil {
		t.Errorf("describing log groups: %v", err)
	}
	if _, err := awsCLIWith(t, srv, env, cliV1, "logs", "delete-log-group", "--log-group-name", "/aws/lambda/readable"); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("deleting a log group: %v", err)
	}
	if _, err := awsCLIWith(t, srv, env, cliV2, "events", "list-rules"); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") {
		t.Errorf("listing rules: %v", err)
	}

	// Creating a function hands it a role: that needs iam:PassRole on the
	// role too, as on AWS.
	mustAWSCLI(t, srv, cliV1, "iam", "put-user-policy", "--user-name", "reader", "--policy-name", "create", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"}]}`)
	readerLambda := lambdaAs(srv, id, secret, "")
	create := func() error {
		_, err := readerLambda.CreateFunction(gusttest.Context(t), &lambda.CreateFunctionInput{FunctionName: aws.String("mine"), Runtime: "provided.al2023",
			Role: aws.String("arn:aws:iam::000000000000:role/fn"), Handler: aws.String("bootstrap"), Code: &types.FunctionCode{ZipFile: goFunctionZip(t)}})
		return err
	}
	gusttest.WaitFor(t, 5*time.Second, "the new user policy", func() bool {
		err := create()
		return apiErrorCode(err) == "AccessDeniedException" && strings.Contains(err.Error(),
			"User: arn:aws:iam::000000000000:user/reader is not authorized to perform: iam:PassRole on resource: arn:aws:iam::000000000000:role/fn because no identity-based policy allows the iam:PassRole action")
	})
	mustAWSCLI(t, srv, cliV1, "iam", "put-user-policy", "--user-name", "reader", "--policy-name", "create", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::000000000000:role/fn"}]}`)
	gusttest.WaitFor(t, 5*time.Second, "PassRole", func() bool { return create() == nil })
	mustAWSCLI(t, srv, cliV1, "iam", "delete-user-policy", "--user-name", "reader", "--policy-name", "create")

	// Removing the user's permission takes effect at once; deleting the
	// key ends it.
	mustAWSCLI(t, srv, cliV1, "iam", "detach-user-policy", "--user-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")
	if _, err := lambdaAs(srv, id, secret, "").ListFunctions(gusttest.Context(t), &lambda.ListFunctionsInput{}); apiErrorCode(err) != "AccessDeniedException" {
		t.Errorf("after detaching: %v", err)
	}
	if _, err := awsCLI(t, srv, cliV1, "iam", "delete-user", "--user-name", "reader"); err == nil || !strings.Contains(err.Error(), "DeleteConflict") {
		t.Errorf("deleting a user with keys: %v", err)
	}
	mustAWSCLI(t, srv, cliV1, "iam", "delete-access-key", "--user-name", "reader", "--access-key-id", id)
	if _, err := lambdaAs(srv, id, secret, "").ListFunctions(gusttest.Context(t), &lambda.ListFunctionsInput{}); apiErrorCode(err) != "UnrecognizedClientException" {
		t.Errorf("deleted key: %v", err)
	}
	mustAWSCLI(t, srv, cliV1, "iam", "delete-user", "--user-name", "reader")
}

// TestIAMBadInput: malformed, unknown, oversized and misaddressed input
// gets IAM's errors (code, status) and leaves nothing behind.
func TestIAMBadInput(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	ctx := gusttest.Context(t)
	c := iamAs(srv, gusttest.AccessKeyID, gusttest.SecretAccessKey, "")
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"arn:aws:lambda:*:*:function:` + strings.Repeat("a", 11000) + `"}]}`
	mid := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"arn:aws:lambda:*:*:function:` + strings.Repeat("a", 7000) + `"}]}`
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}]}`
	if _, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(lambdaTrust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("u")}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"malformed JSON", func() error {
			_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[`)})
			return err
		}, "MalformedPolicyDocument", 400, "Syntax errors in policy."},
		{"action without vendor", func() error {
			_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"DeleteEverything","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"bad resource", func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"function-x"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400, `Resource function-x must be in ARN format or "*".`},
		{"principal in identity policy", func() error {
			_, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:*","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400, "Policy document should not specify a principal."},
		{"trust policy without principal", func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400, "Missing required field Principal"},
		{"trust policy with a resource", func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("r2"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`)})
			return err
		}, "MalformedPolicyDocument", 400, "Has prohibited field Resource"},
		{"oversized inline", func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(big)})
			return err
		}, "LimitExceeded", 409, "Maximum policy size of 10240 bytes exceeded for role r"},
		{"oversized managed", func() error {
			_, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(mid)})
			return err
		}, "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144"},
		{"bad role name", func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("a b"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
			return err
		}, "ValidationError", 400, `1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"bad policy ARN", func() error {
			_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::policy/NotAnArnAtAll")})
			return err
		}, "InvalidInput", 400, "ARN arn:aws:iam::policy/NotAnArnAtAll is not valid."},
		{"unknown managed policy", func() error {
			_, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")})
			return err
		}, "NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/NoSuchPolicyAnywhere does not exist or is not attachable."},
		{"missing role", func() error {
			_, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("nope")})
			return err
		}, "NoSuchEntity", 404, "The role with name nope cannot be found."},
		{"duplicate role, other case", func() error {
			_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("R"), AssumeRolePolicyDocument: aws.String(lambdaTrust)})
			return err
		}, "EntityAlreadyExists", 409, "Role with name R already exists."},
		{"missing inline policy", func() error {
			_, err := c.GetRolePolicy(ctx, &awsiam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("none")})
			return err
		}, "NoSuchEntity", 404, "The role policy with name none cannot be found."},
	}
	for _, tc := range cases {
		err := tc.call()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code || httpStatus(err) != tc.status || ae.ErrorMessage() != tc.msg {
			t.Errorf("%s: %v (status %d), want %s %d %q", tc.name, err, httpStatus(err), tc.code, tc.status, tc.msg)
		}
	}

	// Nothing of the refused requests was stored.
	roles, err := c.ListRoles(ctx, &awsiam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 1 || aws.ToString(roles.Roles[0].RoleName) != "r" {
		t.Errorf("roles after refusals: %v %+v", err, roles)
	}
	local, err := c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: "Local"})
	if err != nil || len(local.Policies) != 0 {
		t.Errorf("customer policies after refusals: %v %+v", err, local)
	}
	for _, list := range []func() (int, error){
		func() (int, error) {
			o, err := c.ListRolePolicies(ctx, &awsiam.ListRolePoliciesInput{RoleName: aws.String("r")})
			return len(o.PolicyNames), err
		},
		func() (int, error) {
			o, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")})
			return len(o.AttachedPolicies), err
		},
		func() (int, error) {
			o, err := c.ListUserPolicies(ctx, &awsiam.ListUserPoliciesInput{UserName: aws.String("u")})
			return len(o.PolicyNames), err
		},
	} {
		if n, err := list(); err != nil || n != 0 {
			t.Errorf("policies after refusals: %d %v", n, err)
		}
	}

	// A managed policy attached somewhere cannot be deleted; a document
	// round-trips exactly (URL-encoded on the wire, decoded by the SDK).
	p, err := c.CreatePolicy(ctx, &awsiam.CreatePolicyInput{PolicyName: aws.String("read"), PolicyDocument: aws.String(allow)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: p.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePolicy(ctx, &awsiam.DeletePolicyInput{PolicyArn: p.Policy.Arn}); apiErrorCode(err) != "DeleteConflict" || httpStatus(err) != 409 {
		t.Errorf("deleting an attached policy: %v", err)
	}
	v, err := c.GetPolicyVersion(ctx, &awsiam.GetPolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: aws.String("v1")})
	if err != nil || aws.ToString(v.PolicyVersion.Document) != strings.ReplaceAll(url.QueryEscape(allow), "+", "%20") {
		t.Errorf("GetPolicyVersion: %v %+v", err, v)
	}
	got, err := c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: p.Policy.Arn})
	if err != nil || aws.ToInt32(got.Policy.AttachmentCount) != 1 {
		t.Errorf("GetPolicy: %v %+v", err, got)
	}
}
