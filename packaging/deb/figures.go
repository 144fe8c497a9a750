package deb

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteFigures prints what each architecture's build cost and produced: the
// compile and packaging times, and the size of every package and program.
func (r Result) WriteFigures(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "arch\tcompile\tpackage\t")
	for _, p := range Programs {
		fmt.Fprintf(tw, "%s.deb\t%s (binary)\t", p, p)
	}
	fmt.Fprintln(tw)
	for _, a := range r.Arches {
		fmt.Fprintf(tw, "%s\t%v\t%v\t", a.Arch.Debian, a.Compile.Round(100*time.Millisecond), a.Pack.Round(100*time.Millisecond))
		for _, p := range a.Packages {
			fmt.Fprintf(tw, "%s\t%s\t", mib(p.Size), mib(p.Binary))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// mib formats a size in MiB with two decimals and the exact byte count.
func mib(n int64) string {
	return fmt.Sprintf("%.2f MiB (%d)", float64(n)/(1<<20), n)
}
