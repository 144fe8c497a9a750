package fleet

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// clearScreen moves the cursor home and clears the terminal.
const clearScreen = "\x1b[H\x1b[2J"

// draw writes one frame of the table.
func draw(w io.Writer, devs []device, now time.Time, term, connected bool) error {
	head := "edge-agent fleet — " + now.Format("15:04:05")
	if !connected {
		head += " — broker unreachable, showing the last known state"
	}
	if term {
		head = clearScreen + head
	} else {
		head = "\n" + head
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, head)
	fmt.Fprintln(tw, "DEVICE\tONLINE\tSTATE\tREASON\tCHANNEL\tPEERS\tNETWORK\tLAST EVENT")
	for _, d := range devs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.Name, online(d), dash(d.State),
			dash(d.Reason), dash(d.Channel), d.Peers, dash(d.Network), lastEvent(d, now))
	}
	if len(devs) == 0 {
		fmt.Fprintln(tw, "(no device has reported yet)")
	}
	return tw.Flush()
}

func online(d device) string {
	switch {
	case d.Online == nil:
		return "?"
	case *d.Online:
		return "yes #" + strconv.FormatUint(d.ConnSeq, 10)
	case d.Clean:
		return "no (stopped)"
	default:
		return "no (lost)"
	}
}

func lastEvent(d device, now time.Time) string {
	if d.LastAt.IsZero() {
		return "-"
	}
	return d.LastEvent + " " + age(now.Sub(d.LastAt)) + " ago"
}

// age renders a duration the way an operator reads it: 4s, 3m12s, 2h5m.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Hour:
		return d.Truncate(time.Second).String()
	default:
		return d.Truncate(time.Minute).String()
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
