package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/spf13/cobra"
)

func invokeCommand() *cobra.Command {
	var payload string
	var tail bool
	cmd := &cobra.Command{
		Use:   "invoke NAME",
		Short: "Invoke a function and print its response",
		Example: `  gust invoke hello --payload '{"name":"world"}' --tail
  gust invoke hello --payload @event.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body := []byte(payload)
			if file, ok := strings.CutPrefix(payload, "@"); ok {
				var err error
				if body, err = os.ReadFile(file); err != nil {
					return fmt.Errorf("reading payload: %w", err)
				}
			}
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			in := &lambda.InvokeInput{FunctionName: &args[0], Payload: body}
			if tail {
				in.LogType = types.LogTypeTail
			}
			out, err := c.lambda.Invoke(cmd.Context(), in)
			if err != nil {
				return c.explain(err)
			}
			if tail && out.LogResult != nil {
				if log, err := base64.StdEncoding.DecodeString(*out.LogResult); err == nil {
					fmt.Fprint(os.Stderr, string(log))
				}
			}
			fmt.Println(string(out.Payload))
			if out.FunctionError != nil {
				return fmt.Errorf("function error (%s)", aws.ToString(out.FunctionError))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&payload, "payload", "{}", "event as JSON, or @FILE to read it from a file")
	cmd.Flags().BoolVar(&tail, "tail", false, "print the last 4 KB of the invocation's log to stderr")
	return cmd
}
