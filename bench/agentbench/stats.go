package main

import (
	"fmt"
	"slices"
	"time"
)

// durations sums up measurements of one kind.
type durations struct {
	N                             int
	Min, Median, Mean, P95, Worst time.Duration
}

// summarizeDurations returns the summary of ds (which it does not
// change). Median and p95 are nearest-rank: the value below which half, or
// 95 %, of the measurements are.
func summarizeDurations(ds []time.Duration) durations {
	if len(ds) == 0 {
		return durations{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return durations{N: len(s), Min: s[0], Median: rank(s, 50), Mean: sum / time.Duration(len(s)),
		P95: rank(s, 95), Worst: s[len(s)-1]}
}

// rank returns the nearest-rank p-th percentile of sorted s.
func rank(s []time.Duration, p int) time.Duration {
	i := (p*len(s)+99)/100 - 1
	return s[max(i, 0)]
}

// String formats the summary on one line.
func (d durations) String() string {
	return fmt.Sprintf("median %s  p95 %s  worst %s  (min %s, mean %s, n=%d)",
		ms(d.Median), ms(d.P95), ms(d.Worst), ms(d.Min), ms(d.Mean), d.N)
}
