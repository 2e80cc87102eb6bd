package main

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/spf13/cobra"
)

func rmCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME...",
		Short: "Delete functions",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			for _, name := range args {
				if _, err := c.lambda.DeleteFunction(cmd.Context(), &lambda.DeleteFunctionInput{FunctionName: &name}); err != nil {
					return c.explain(err)
				}
				fmt.Println("deleted", name)
			}
			return nil
		},
	}
}
