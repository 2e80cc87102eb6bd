//go:build !linux

package netns

import (
	"errors"
	"os"
)

var errNotLinux = errors.New("netns: network namespaces need Linux")

// Run needs Linux.
func Run(ns *os.File, fn func() error) error { return errNotLinux }

// New needs Linux.
func New(fn func() error) (*os.File, error) { return nil, errNotLinux }
