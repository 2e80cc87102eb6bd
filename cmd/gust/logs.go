package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/spf13/cobra"
)

func logsCommand() *cobra.Command {
	var follow bool
	var since time.Duration
	cmd := &cobra.Command{
		Use:     "logs NAME",
		Short:   "Print a function's log lines (/aws/lambda/NAME)",
		Example: "  gust logs hello --since 1h --follow",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			return c.explain(printLogs(cmd.Context(), c, "/aws/lambda/"+args[0], sinceMillis(since), follow))
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new lines (polls every second)")
	cmd.Flags().DurationVar(&since, "since", 10*time.Minute, "how far back to start, e.g. 30s, 10m, 2h")
	return cmd
}

// printLogs pages through FilterLogEvents from start; following, it polls
// again from the last event seen, skipping events already printed.
func printLogs(ctx context.Context, c *clients, group string, start int64, follow bool) error {
	seen := map[string]bool{}
	for {
		in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &group, StartTime: &start}
		p := cloudwatchlogs.NewFilterLogEventsPaginator(c.logs, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				if follow && ctx.Err() != nil {
					return nil
				}
				var notFound *types.ResourceNotFoundException
				if follow && errors.As(err, &notFound) {
					break // no line yet: the group appears with the first one
				}
				return err
			}
			for _, e := range page.Events {
				id := aws.ToString(e.EventId)
				if seen[id] {
					continue
				}
				seen[id] = true
				ts := time.UnixMilli(aws.ToInt64(e.Timestamp)).Format("15:04:05.000")
				fmt.Printf("%s %s\n", ts, strings.TrimRight(aws.ToString(e.Message), "\n"))
				if t := aws.ToInt64(e.Timestamp); t > start {
					start = t
				}
			}
		}
		if !follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}
