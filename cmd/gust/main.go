// Command gust is the Gust server and its command-line tools.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"gust/internal/sandbox/linuxns"
)

func main() {
	// A sandbox's first process is this binary re-executed; it must become
	// the function's bootstrap before anything else runs.
	if linuxns.IsInit() {
		os.Exit(linuxns.RunInit())
	}
	root := &cobra.Command{
		Use:           "gust",
		Short:         "Gust runs AWS Lambda functions on your own machine",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serverCommand(), deployCommand(), invokeCommand(), logsCommand(), lsCommand(), bucketsCommand(), rmCommand(), usageCommand(), devCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "gust:", err)
		os.Exit(1)
	}
}
