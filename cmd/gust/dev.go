package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func devCommand() *cobra.Command {
	var spec deploySpec
	cmd := &cobra.Command{
		Use:   "dev DIR",
		Short: "Deploy a folder, then redeploy it whenever a file in it changes (hot reload)",
		Example: `  gust dev ./hello --name hello --runtime python3.11 --handler app.handler
  # edit ./hello/app.py; the next invoke runs the new code`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := spec.resolve(args); err != nil {
				return err
			}
			c, err := newClients(cmd.Context())
			if err != nil {
				return err
			}
			ctx, stop := signalContext(cmd.Context())
			defer stop()
			return c.explain(watch(ctx, c, spec))
		},
	}
	spec.flags(cmd)
	return cmd
}

// watch deploys, then polls the folder's file names, sizes and mtimes every
// 200 ms (no inotify dependency, works on every file system) and redeploys
// when they change. A failed redeploy is reported and waits for the next
// change; only a failed first deploy ends the command.
func watch(ctx context.Context, c *clients, spec deploySpec) error {
	last, err := snapshot(spec.Dir)
	if err != nil {
		return err
	}
	arn, err := deploy(ctx, c, spec)
	if err != nil {
		return err
	}
	fmt.Println(arn)
	step("watching %s for changes (Ctrl-C to stop)", spec.Dir)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		now, err := snapshot(spec.Dir)
		if err != nil || now == last {
			continue
		}
		last = now
		step("change seen, redeploying")
		if _, err := deploy(ctx, c, spec); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintln(os.Stderr, "gust: redeploy failed:", c.explain(err))
			continue
		}
		fmt.Printf("redeployed %s at %s\n", spec.Name, time.Now().Format("15:04:05.000"))
	}
}

// snapshot is a string that changes when any file is added, removed,
// resized or touched.
func snapshot(dir string) (string, error) {
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "__pycache__") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %d %d %o\n", path, info.Size(), info.ModTime().UnixNano(), info.Mode())
		}
		return nil
	})
	return b.String(), err
}
