package main

import (
	"fmt"
	"strconv"
	"strings"
)

// parsePortRange parses "MIN-MAX" (or "" for none) into a UDP port range.
func parsePortRange(s string) (lo, hi uint16, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want MIN-MAX, e.g. 50000-50100", s)
	}
	first, err1 := strconv.ParseUint(a, 10, 16)
	last, err2 := strconv.ParseUint(b, 10, 16)
	switch {
	case err1 != nil || err2 != nil || first == 0:
		return 0, 0, fmt.Errorf("%q: ports must be 1-65535", s)
	case first > last:
		return 0, 0, fmt.Errorf("%q: MIN is above MAX", s)
	}
	return uint16(first), uint16(last), nil
}
