package main

import (
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCallbackEvent_Lines(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"quoted", `time=2026-11-30T04:16:16.665Z level=INFO msg=callback component=agent event="onJoinChannelSuccess(\"bench\", 1, 610ms)"`,
			`onJoinChannelSuccess("bench", 1, 610ms)`},
		{"quoted with more fields", `time=T level=INFO msg=callback component=agent event="onConnectionStateChanged(CONNECTING, CONNECTING)" state=CONNECTING`,
			"onConnectionStateChanged(CONNECTING, CONNECTING)"},
		{"bare", `time=T level=INFO msg=callback component=agent event=onLeaveChannel()`, "onLeaveChannel()"},
		{"not a callback", `time=T level=INFO msg=joined component=rtc session=x resumed=true`, ""},
		{"gctrace", `gc 3 @3.944s 0%: 0.10+1.6+0.025 ms clock, 4->4->3 MB, 5 MB goal`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := callbackEvent(tt.line); got != tt.want {
				t.Errorf("callbackEvent = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJoinElapsed_Event(t *testing.T) {
	tests := []struct {
		name, event string
		want        time.Duration
	}{
		{"ms", `onJoinChannelSuccess("bench", 1, 40ms)`, 40 * time.Millisecond},
		{"seconds", `onJoinChannelSuccess("a,b", 7, 1.5s)`, 1500 * time.Millisecond},
		{"none", `onLeaveChannel()`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := joinElapsed(tt.event); got != tt.want {
				t.Errorf("joinElapsed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseStatCPU_Fields(t *testing.T) {
	tests := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "4242 (edge-agent) S 1 4242 4242 0 -1 4194560 2000 0 0 0 57 6 0 0 20 0 8 0 12345 1000000 6000 18446744073709551615",
			630 * time.Millisecond, false},
		{"name with spaces and parens", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 100 200 0 0 20 0 1 0 1 1 1",
			3 * time.Second, false},
		{"truncated", "7 (x) R 1 2 3", 0, true},
		{"no name", "garbage", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tt.stat))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseStatCPU = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseStatus_Fields(t *testing.T) {
	status := "Name:\tedge-agent\nThreads:\t8\nVmHWM:\t   25192 kB\nVmRSS:\t   25100 kB\nRssAnon:\t    9988 kB\nRssFile:\t   15112 kB\n"
	got, err := parseStatus([]byte(status))
	want := procStatus{VmRSS: 25100, VmHWM: 25192, RssAnon: 9988, RssFile: 15112, Threads: 8}
	if err != nil || got != want {
		t.Fatalf("parseStatus = %+v, %v; want %+v", got, err, want)
	}
	if _, err := parseStatus([]byte("Name:\tzombie\nThreads:\t1\n")); err == nil {
		t.Fatal("parseStatus of a process without memory: no error")
	}
}

func TestSummarize_Usage(t *testing.T) {
	t0 := time.Unix(0, 0)
	s := []procSample{
		{At: t0, CPU: time.Second, procStatus: procStatus{VmRSS: 100, VmHWM: 100, Threads: 7}},
		{At: t0.Add(10 * time.Second), CPU: 1200 * time.Millisecond, procStatus: procStatus{VmRSS: 300, VmHWM: 300, Threads: 8}},
	}
	u := summarize(s)
	if u.RSSAvg != 200 || u.RSSMax != 300 || u.HWM != 300 || u.ThreadsMax != 8 || u.cpuPercent() != 2 {
		t.Fatalf("summarize = %+v (cpu %v %%)", u, u.cpuPercent())
	}
}

func TestSummarizeDurations_NearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 20; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := summarizeDurations(ds)
	want := durations{N: 20, Min: time.Millisecond, Median: 10 * time.Millisecond, Mean: 10500 * time.Microsecond,
		P95: 19 * time.Millisecond, Worst: 20 * time.Millisecond}
	if got != want {
		t.Fatalf("summarizeDurations = %+v, want %+v", got, want)
	}
	if ds[0] != 20*time.Millisecond {
		t.Fatal("summarizeDurations sorted its argument")
	}
}

func TestParseSmaps_Groups(t *testing.T) {
	smaps := `00400000-00800000 r-xp 00000000 08:01 123 /tmp/x/edge-agent
Size:               4096 kB
Rss:                3000 kB
00800000-00900000 r--p 00400000 08:01 123 /tmp/x/edge-agent
Rss:                1000 kB
c000000000-c004000000 rw-p 00000000 00:00 0
Rss:                5000 kB
7f0000000000-7f0000100000 rw-p 00000000 00:00 0
Rss:                 500 kB
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
Rss:                  12 kB
`
	got := parseSmaps(smaps)
	want := []mapping{{"[anon] rw-p", 5500}, {"edge-agent r-xp", 3000}, {"edge-agent r--p", 1000}, {"[stack]", 12}}
	if len(got) != len(want) {
		t.Fatalf("parseSmaps = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("parseSmaps = %+v, want %+v", got, want)
		}
	}
}

func TestParsePerfReport_Lines(t *testing.T) {
	out := `# Samples: 409  of event 'cpu-clock'
#
# Overhead  Symbol  IPC   [IPC Coverage]
     9.80%  [k] _raw_spin_unlock_irqrestore    -      -
     3.20%  [.] internal/runtime/syscall/linux.Syscall6    -      -
    44.20%     0.00%  [.] github.com/edge-agent/edge-agent/rtc/media.(*ClipSource).run  -  -
`
	got := parsePerfReport(out)
	want := []perfEntry{{name: "#samples 409"}, {9.8, true, "_raw_spin_unlock_irqrestore"},
		{3.2, false, "internal/runtime/syscall/linux.Syscall6"},
		{44.2, false, "github.com/edge-agent/edge-agent/rtc/media.(*ClipSource).run"}}
	if len(got) != len(want) {
		t.Fatalf("parsePerfReport = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if c := byComponent(got[1:3]); c[0].name != "kernel (UDP send/receive, futex, epoll, scheduling)" || c[0].pct != 9.8 {
		t.Fatalf("byComponent = %+v", c)
	}
}

func TestFeed_Await(t *testing.T) {
	f := newFeed[int]()
	f.add(1)
	go f.add(2)
	v, i, err := f.await(0, time.Minute, nil, func(n int) bool { return n == 2 })
	if err != nil || v != 2 || i != 1 {
		t.Fatalf("await = %v, %v, %v; want 2, 1, nil", v, i, err)
	}
	if _, _, err := f.await(0, time.Millisecond, nil, func(n int) bool { return n == 3 }); err == nil {
		t.Fatal("await of what never comes: no error")
	}
	stop := make(chan struct{})
	close(stop)
	if _, _, err := f.await(0, time.Minute, stop, func(n int) bool { return n == 3 }); !errors.Is(err, errStopped) {
		t.Fatalf("await after stop: %v, want errStopped", err)
	}
}
