package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/spf13/cobra"
)

func lsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "ls",
		Short: "List functions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tRUNTIME\tHANDLER\tMEMORY\tTIMEOUT\tLAST MODIFIED")
			p := lambda.NewListFunctionsPaginator(c.lambda, &lambda.ListFunctionsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(cmd.Context())
				if err != nil {
					return c.explain(err)
				}
				for _, f := range page.Functions {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d MB\t%d s\t%s\n", aws.ToString(f.FunctionName), f.Runtime, aws.ToString(f.Handler),
						aws.ToInt32(f.MemorySize), aws.ToInt32(f.Timeout), aws.ToString(f.LastModified))
				}
			}
			return tw.Flush()
		},
	}
}
