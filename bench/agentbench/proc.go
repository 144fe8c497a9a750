package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ,
// which Linux fixes at 100 on every architecture Go supports (getconf
// CLK_TCK), whatever the kernel's own HZ.
const clockTick = 10 * time.Millisecond

// procSample is what /proc says about a process at one moment.
type procSample struct {
	At  time.Time
	CPU time.Duration // utime + stime so far
	procStatus
}

// procStatus holds the fields of /proc/PID/status that matter here, in
// KiB, and the thread count.
type procStatus struct {
	VmRSS, VmHWM, RssAnon, RssFile int64
	Threads                        int64
}

// sampleProc reads pid's CPU time and memory.
func sampleProc(pid int) (procSample, error) {
	now := time.Now()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, fmt.Errorf("read stat: %w", err)
	}
	cpu, err := parseStatCPU(stat)
	if err != nil {
		return procSample{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, fmt.Errorf("read status: %w", err)
	}
	st, err := parseStatus(status)
	if err != nil {
		return procSample{}, fmt.Errorf("/proc/%d/status: %w", pid, err)
	}
	return procSample{At: now, CPU: cpu, procStatus: st}, nil
}

// parseStatCPU returns utime + stime from the contents of /proc/PID/stat.
// The command name, field 2, is in parentheses and may hold spaces and
// parentheses, so fields are counted from the last ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name")
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("%d fields after the command name, want at least 13", len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("utime %q, stime %q: not numbers", f[11], f[12])
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// parseStatus reads VmRSS, VmHWM, RssAnon, RssFile (kB) and Threads from
// the contents of /proc/PID/status. VmRSS and VmHWM are required.
func parseStatus(status []byte) (procStatus, error) {
	var st procStatus
	fields := map[string]*int64{"VmRSS": &st.VmRSS, "VmHWM": &st.VmHWM, "RssAnon": &st.RssAnon,
		"RssFile": &st.RssFile, "Threads": &st.Threads}
	seen := 0
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		dst := fields[k]
		if !ok || dst == nil {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return st, fmt.Errorf("%s: no value", k)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return st, fmt.Errorf("%s: %w", k, err)
		}
		*dst = n
		seen++
	}
	if st.VmRSS == 0 || st.VmHWM == 0 {
		return st, fmt.Errorf("no VmRSS or VmHWM (%d fields found)", seen)
	}
	return st, nil
}

// usage sums up samples of one process over a window.
type usage struct {
	Wall                   time.Duration
	CPU                    time.Duration
	RSSAvg, RSSMax, HWM    int64 // KiB
	AnonAvg, FileAvg       int64 // KiB
	ThreadsMax, SampleSize int64
}

// summarize returns the usage between the first and the last sample.
func summarize(s []procSample) usage {
	if len(s) < 2 {
		return usage{}
	}
	first, last := s[0], s[len(s)-1]
	u := usage{Wall: last.At.Sub(first.At), CPU: last.CPU - first.CPU, HWM: last.VmHWM, SampleSize: int64(len(s))}
	var rss, anon, file int64
	for _, x := range s {
		rss, anon, file = rss+x.VmRSS, anon+x.RssAnon, file+x.RssFile
		u.RSSMax, u.ThreadsMax = max(u.RSSMax, x.VmRSS), max(u.ThreadsMax, x.Threads)
	}
	n := int64(len(s))
	u.RSSAvg, u.AnonAvg, u.FileAvg = rss/n, anon/n, file/n
	return u
}

// cpuPercent is the CPU time as a percentage of one core over the window.
func (u usage) cpuPercent() float64 {
	if u.Wall <= 0 {
		return 0
	}
	return 100 * u.CPU.Seconds() / u.Wall.Seconds()
}

// mb formats KiB as MiB and as MB (10^6 bytes): the goal does not
// say which it means.
func mb(kib int64) string {
	return fmt.Sprintf("%.1f MiB (%.1f MB)", float64(kib)/1024, float64(kib)*1024/1e6)
}
