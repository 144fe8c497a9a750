package mqtt

import (
	"encoding/json"
	"errors"
	"runtime"
	"time"
)

// processFigures are the reporter's own telemetry: the process's CPU use
// (percent of one core since the previous sample), resident memory, Go
// heap in use and goroutines.
type processFigures struct {
	CPUPercent float64 `json:"cpu_percent"`
	RSSBytes   uint64  `json:"rss_bytes"`
	HeapBytes  uint64  `json:"heap_bytes"`
	Goroutines int     `json:"goroutines"`
}

var errProcessKey = errors.New(`telemetry figures set "process", which the reporter owns`)

// procSampler turns cumulative CPU time into a rate between samples.
type procSampler struct {
	prevCPU time.Duration
	prevAt  time.Time
}

func (p *procSampler) sample(now time.Time) processFigures {
	var f processFigures
	if cpu, err := processCPU(); err == nil {
		if !p.prevAt.IsZero() && now.After(p.prevAt) {
			f.CPUPercent = 100 * float64(cpu-p.prevCPU) / float64(now.Sub(p.prevAt))
		}
		p.prevCPU, p.prevAt = cpu, now
	}
	f.RSSBytes, _ = processRSS()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f.HeapBytes, f.Goroutines = ms.HeapInuse, runtime.NumGoroutine()
	return f
}

// telemetryMessage is {"ts":T,"process":{...}, ...figures' fields}.
// figures must be a JSON object without "ts", "seq" or "process".
func telemetryMessage(ts time.Time, proc processFigures, figures json.RawMessage) ([]byte, error) {
	pb, _ := json.Marshal(proc) // cannot fail: numbers
	head := append([]byte(`{"process":`), pb...)
	if len(figures) > 0 {
		if err := checkFigures(figures); err != nil {
			return nil, err
		}
		return spliceTS(head, ts, figures), nil
	}
	return spliceTS(head, ts, json.RawMessage("{}")), nil
}

// checkFigures verifies an agent's figures object.
func checkFigures(figures json.RawMessage) error {
	if _, err := checkDoc(figures); err != nil {
		return err
	}
	var h struct {
		Process *json.RawMessage `json:"process"`
	}
	if json.Unmarshal(figures, &h) == nil && h.Process != nil {
		return errProcessKey
	}
	return nil
}
