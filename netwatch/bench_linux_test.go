package netwatch

import (
	"log/slog"
	"math"
	"slices"
	"testing"
	"time"
)

// minFlaps is the fewest flaps a benchmark run measures, whatever b.N, so
// that its percentiles mean something.
const minFlaps = 20

// flapBench measures, over at least minFlaps flaps of one veth path, the
// latency from the netlink call that breaks the path (down) to the Delta
// saying no usable path is left being received, and from the call that
// repairs it (up) to the Delta saying it is usable again. ns/op is the mean
// "down" latency; the percentiles are reported as metrics in ms.
func flapBench(b *testing.B, down, up func(*vethPath)) {
	requireSystem(b)
	dut, peer := newNS(b, "dut"), newNS(b, "peer")
	p := addPath(b, dut, peer, 0, 100)
	m := startIn(b, dut, Options{Logger: slog.New(slog.DiscardHandler)}, nil)
	flaps := max(b.N, minFlaps)
	downs := make([]time.Duration, 0, flaps)
	ups := make([]time.Duration, 0, flaps)
	b.ResetTimer()
	for range flaps {
		t0 := time.Now()
		down(p)
		waitFor(b, m, "path lost", lost)
		downs = append(downs, time.Since(t0))

		b.StopTimer()
		t1 := time.Now()
		up(p)
		waitFor(b, m, "path usable", usableVia(p.dev))
		ups = append(ups, time.Since(t1))
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(flaps), "flaps")
	reportPercentiles(b, "down", downs)
	reportPercentiles(b, "up", ups)
}

// BenchmarkLinkDownToDelta: "ip link set eth0 down" (through netlink) to
// the Delta; up is "ip link set eth0 up" plus adding the default route back
// (the kernel deleted it), to the Delta.
func BenchmarkLinkDownToDelta(b *testing.B) {
	flapBench(b,
		func(p *vethPath) { p.devDown(b) },
		func(p *vethPath) { p.devUp(b); p.addRoute(b) })
}

// BenchmarkCarrierLostToDelta: the peer end set down (the device loses
// carrier, like a pulled cable) to the Delta, and back.
func BenchmarkCarrierLostToDelta(b *testing.B) {
	flapBench(b,
		func(p *vethPath) { p.peerDown(b) },
		func(p *vethPath) { p.peerUp(b) })
}

// reportPercentiles reports p50 and p95 of ds in milliseconds.
func reportPercentiles(b *testing.B, name string, ds []time.Duration) {
	slices.Sort(ds)
	b.ReportMetric(msOf(percentile(ds, 0.50)), name+"-p50-ms")
	b.ReportMetric(msOf(percentile(ds, 0.95)), name+"-p95-ms")
	b.ReportMetric(msOf(ds[len(ds)-1]), name+"-max-ms")
}

// percentile is the nearest-rank percentile q of sorted ds.
func percentile(ds []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[max(i, 0)]
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
