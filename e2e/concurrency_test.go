package e2e

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

func TestReservedConcurrency(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createFunction(t, c, "limited", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(30) })
	before, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	limit := before.AccountLimit.ConcurrentExecutions

	// Reservations may not leave fewer than 100 unreserved.
	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("limited"), ReservedConcurrentExecutions: aws.Int32(limit - 99)}); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("reserving %d of %d: %v", limit-99, limit, err)
	}
	put, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("limited"), ReservedConcurrentExecutions: aws.Int32(1)})
	if err != nil || aws.ToInt32(put.ReservedConcurrentExecutions) != 1 {
		t.Fatalf("PutFunctionConcurrency = %v, %v", put, err)
	}
	got, err := c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("limited")})
	if err != nil || aws.ToInt32(got.ReservedConcurrentExecutions) != 1 {
		t.Fatalf("GetFunctionConcurrency = %v, %v", got, err)
	}
	fn, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("limited")})
	if err != nil || fn.Concurrency == nil || aws.ToInt32(fn.Concurrency.ReservedConcurrentExecutions) != 1 {
		t.Fatalf("GetFunction Concurrency = %+v, %v", fn.Concurrency, err)
	}
	after, _ := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if aws.ToInt32(after.AccountLimit.UnreservedConcurrentExecutions) != limit-1 {
		t.Errorf("unreserved = %d, want %d", aws.ToInt32(after.AccountLimit.UnreservedConcurrentExecutions), limit-1)
	}

	// With one slot, an invoke while another runs is throttled.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The probes below may hold the one slot for a moment: retry
		// until this long invocation gets it.
		for range 1000 {
			_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("limited"), Payload: []byte(`{"action":"sleep","n":4000}`)})
			if apiErrorCode(err) == "TooManyRequestsException" {
				continue
			}
			if err != nil {
				t.Errorf("the long invoke: %v", err)
			}
			return
		}
	}()
	var throttle *types.TooManyRequestsException
	gusttest.WaitFor(t, 20*time.Second, "a throttle while the slot is taken", func() bool {
		_, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("limited"), Payload: []byte(`{"action":"echo"}`)})
		return errors.As(err, &throttle)
	})
	if throttle.Reason != types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded || aws.ToString(throttle.Message) != "Rate Exceeded." {
		t.Errorf("throttle = %s %q", throttle.Reason, aws.ToString(throttle.Message))
	}
	wg.Wait()
	invokeJSON(t, c, "limited", map[string]any{"action": "echo"}, nil)

	// Zero stops the function.
	if _, err := c.PutFunctionConcurrency(ctx, &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("limited"), ReservedConcurrentExecutions: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("limited")}); !errors.As(err, &throttle) {
		t.Errorf("invoke with reserved concurrency 0: %v", err)
	}
	if _, err := c.DeleteFunctionConcurrency(ctx, &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("limited")}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("limited")})
	if err != nil || got.ReservedConcurrentExecutions != nil {
		t.Fatalf("after delete: %v, %v", got.ReservedConcurrentExecutions, err)
	}
	invokeJSON(t, c, "limited", map[string]any{"action": "echo"}, nil)
}

func TestProvisionedConcurrency(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	createFunction(t, c, "warmed", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Publish = true })
	if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("warmed"), Name: aws.String("live"), FunctionVersion: aws.String("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutProvisionedConcurrencyConfig(ctx, &lambda.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("warmed"), Qualifier: aws.String("$LATEST"), ProvisionedConcurrentExecutions: aws.Int32(1)}); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("provisioning $LATEST: %v", err)
	}
	var missing *types.ProvisionedConcurrencyConfigNotFoundException
	if _, err := c.GetProvisionedConcurrencyConfig(ctx, &lambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("warmed"), Qualifier: aws.String("live")}); !errors.As(err, &missing) {
		t.Errorf("missing config: %v", err)
	}
	put, err := c.PutProvisionedConcurrencyConfig(ctx, &lambda.PutProvisionedConcurrencyConfigInput{FunctionName: aws.String("warmed"), Qualifier: aws.String("live"), ProvisionedConcurrentExecutions: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(put.RequestedProvisionedConcurrentExecutions) != 2 || (put.Status != types.ProvisionedConcurrencyStatusEnumInProgress && put.Status != types.ProvisionedConcurrencyStatusEnumReady) {
		t.Errorf("Put = %+v", put)
	}
	gusttest.WaitFor(t, 30*time.Second, "provisioned concurrency to be READY", func() bool {
		got, err := c.GetProvisionedConcurrencyConfig(ctx, &lambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("warmed"), Qualifier: aws.String("live")})
		return err == nil && got.Status == types.ProvisionedConcurrencyStatusEnumReady && aws.ToInt32(got.AllocatedProvisionedConcurrentExecutions) == 2
	})
	// Invokes through the alias land on an environment initialised ahead:
	// no Init Duration, and Lambda's initialization type.
	res, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("warmed:live"), Payload: []byte(`{"action":"context"}`), LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	var got contextResult
	json.Unmarshal(res.Payload, &got)
	if tail := logTail(t, res); strings.Contains(tail, "Init Duration") {
		t.Errorf("provisioned invoke reported init:\n%s", tail)
	}
	if got.Env["AWS_LAMBDA_INITIALIZATION_TYPE"] != "provisioned-concurrency" {
		t.Errorf("AWS_LAMBDA_INITIALIZATION_TYPE = %q", got.Env["AWS_LAMBDA_INITIALIZATION_TYPE"])
	}
	list, err := c.ListProvisionedConcurrencyConfigs(ctx, &lambda.ListProvisionedConcurrencyConfigsInput{FunctionName: aws.String("warmed")})
	if err != nil || len(list.ProvisionedConcurrencyConfigs) != 1 || aws.ToString(list.ProvisionedConcurrencyConfigs[0].FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:warmed:live" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if _, err := c.DeleteProvisionedConcurrencyConfig(ctx, &lambda.DeleteProvisionedConcurrencyConfigInput{FunctionName: aws.String("warmed"), Qualifier: aws.String("live")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetProvisionedConcurrencyConfig(ctx, &lambda.GetProvisionedConcurrencyConfigInput{FunctionName: aws.String("warmed"), Qualifier: aws.String("live")}); !errors.As(err, &missing) {
		t.Errorf("deleted config: %v", err)
	}
}
