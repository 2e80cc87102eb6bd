package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"gust/internal/gusttest"
)

// A deleted function's idle environment goes at once, not when its
// keep-alive (an hour here) runs out.
func TestDeletedFunctionsEnvironmentsGo(t *testing.T) {
	t.Parallel()
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--idle-timeout", "1h"}})
	lc := srv.Lambda()
	createFunction(t, lc, "doomed", goFunctionZip(t))
	createFunction(t, lc, "kept", goFunctionZip(t))
	invokeJSON(t, lc, "doomed", map[string]any{"action": "echo"}, nil)
	invokeJSON(t, lc, "kept", map[string]any{"action": "echo"}, nil)
	const doomed, kept = `gust_environments{function="doomed",state="idle"}`, `gust_environments{function="kept",state="idle"}`
	expectSamples(t, scrapeMetrics(t, srv), map[string]float64{doomed: 1, kept: 1})

	if _, err := lc.DeleteFunction(context.Background(), &lambda.DeleteFunctionInput{FunctionName: aws.String("doomed")}); err != nil {
		t.Fatal(err)
	}
	gusttest.WaitFor(t, 10*time.Second, "the deleted function's environment to go", func() bool {
		return scrapeMetrics(t, srv)[doomed] == 0
	})
	expectSamples(t, scrapeMetrics(t, srv), map[string]float64{kept: 1})
}
