package main

import (
	"fmt"
	"io"
	"runtime"
)

// Set by the linker (see the Makefile): -X main.version=… etc.
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func printVersion(w io.Writer) error {
	_, err := fmt.Fprintf(w, "edge-agent %s\ncommit %s\nbuilt %s\n%s %s/%s\n",
		version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
