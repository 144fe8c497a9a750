package mqtt

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of /proc/<pid>/stat's CPU times. The kernel exports
// them in USER_HZ, which is 100 on every Linux architecture (the ABI fixes
// it, whatever CONFIG_HZ is).
const userHZ = 100

// processCPU returns the user + system CPU time of this process.
func processCPU() (time.Duration, error) {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, err
	}
	// The command name may contain spaces and parentheses: fields are
	// counted after the last ')'. utime and stime are fields 14 and 15,
	// i.e. the 12th and 13th after it.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, errors.New("/proc/self/stat: no ')'")
	}
	f := bytes.Fields(raw[i+1:])
	if len(f) < 13 {
		return 0, errors.New("/proc/self/stat: too few fields")
	}
	ut, err1 := strconv.ParseUint(string(f[11]), 10, 64)
	st, err2 := strconv.ParseUint(string(f[12]), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * time.Second / userHZ, nil
}

// processRSS returns the resident set size, from /proc/self/statm.
func processRSS() (uint64, error) {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(raw)
	if len(f) < 2 {
		return 0, errors.New("/proc/self/statm: too few fields")
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	return pages * uint64(os.Getpagesize()), err
}
