package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/spf13/cobra"
)

// usageReport is GET /gust/v1/usage's answer.
type usageReport struct {
	Functions []usageLine `json:"functions"`
	Totals    usageLine   `json:"totals"`
}

type usageLine struct {
	Function  string  `json:"function"`
	Requests  int64   `json:"requests"`
	BilledMS  int64   `json:"billed_ms"`
	GBSeconds float64 `json:"gb_seconds"`
	CostUSD   float64 `json:"cost_usd"`
}

// emptyPayloadHash is the SHA-256 of an empty body.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func usageCommand() *cobra.Command {
	var since time.Duration
	cmd := &cobra.Command{
		Use:   "usage",
		Short: "Show metered requests, GB-seconds and their cost per function",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := newClients(ctx)
			if err != nil {
				return err
			}
			url := strings.TrimRight(c.endpoint, "/") + "/gust/v1/usage"
			if since > 0 {
				url += fmt.Sprintf("?start=%d", time.Now().Add(-since).Unix())
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			creds, err := c.cfg.Credentials.Retrieve(ctx)
			if err != nil {
				return fmt.Errorf("reading credentials: %w", err)
			}
			if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptyPayloadHash, "lambda", c.cfg.Region, time.Now()); err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return c.explain(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode == http.StatusForbidden {
				return fmt.Errorf("the server refused the credentials: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (the server prints them at start)\n  %s", body)
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET /gust/v1/usage: %s: %s", resp.Status, body)
			}
			var u usageReport
			if err := json.Unmarshal(body, &u); err != nil {
				return fmt.Errorf("reading usage: %w", err)
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "FUNCTION\tREQUESTS\tBILLED MS\tGB-SECONDS\tCOST USD\t")
			for _, f := range append(u.Functions, usageLine{Function: "TOTAL", Requests: u.Totals.Requests, BilledMS: u.Totals.BilledMS, GBSeconds: u.Totals.GBSeconds, CostUSD: u.Totals.CostUSD}) {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%.6f\t%.8f\t\n", f.Function, f.Requests, f.BilledMS, f.GBSeconds, f.CostUSD)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().DurationVar(&since, "since", 0, "only usage from this far back, e.g. 24h (default: all)")
	return cmd
}
