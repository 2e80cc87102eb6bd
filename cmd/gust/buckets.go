package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/cobra"
)

func bucketsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "buckets [BUCKET]",
		Short: "List buckets and what their uploads trigger, or one bucket's objects",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			if len(args) == 1 {
				fmt.Fprintln(tw, "KEY\tSIZE\tLAST MODIFIED")
				p := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: aws.String(args[0])})
				for p.HasMorePages() {
					page, err := p.NextPage(ctx)
					if err != nil {
						return c.explain(err)
					}
					for _, o := range page.Contents {
						fmt.Fprintf(tw, "%s\t%d\t%s\n", aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToTime(o.LastModified).Format("2006-01-02 15:04:05"))
					}
				}
				return tw.Flush()
			}
			out, err := c.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				return c.explain(err)
			}
			fmt.Fprintln(tw, "NAME\tCREATED\tNOTIFICATIONS")
			for _, b := range out.Buckets {
				n, err := c.s3.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b.Name})
				if err != nil {
					return c.explain(err)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", aws.ToString(b.Name), aws.ToTime(b.CreationDate).Format("2006-01-02 15:04:05"), wiring(n))
			}
			return tw.Flush()
		},
	}
}

// wiring says what a bucket's notification configuration sends where:
// "ObjectCreated:* *.jpg -> function:thumbnailer".
func wiring(n *s3.GetBucketNotificationConfigurationOutput) string {
	var parts []string
	add := func(events []s3types.Event, filter *s3types.NotificationConfigurationFilter, arn string) {
		var evs []string
		for _, e := range events {
			evs = append(evs, strings.TrimPrefix(string(e), "s3:"))
		}
		match := ""
		if filter != nil && filter.Key != nil {
			prefix, suffix := "", ""
			for _, r := range filter.Key.FilterRules {
				if strings.EqualFold(string(r.Name), "prefix") {
					prefix = aws.ToString(r.Value)
				} else {
					suffix = aws.ToString(r.Value)
				}
			}
			match = " " + prefix + "*" + suffix
		}
		target := arn
		if i := strings.Index(arn, ":function:"); i >= 0 {
			target = arn[i+1:]
		}
		parts = append(parts, strings.Join(evs, ",")+match+" -> "+target)
	}
	for _, l := range n.LambdaFunctionConfigurations {
		add(l.Events, l.Filter, aws.ToString(l.LambdaFunctionArn))
	}
	for _, q := range n.QueueConfigurations {
		add(q.Events, q.Filter, aws.ToString(q.QueueArn))
	}
	for _, t := range n.TopicConfigurations {
		add(t.Events, t.Filter, aws.ToString(t.TopicArn))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}
