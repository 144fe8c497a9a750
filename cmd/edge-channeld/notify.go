package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// notifyReady tells systemd (Type=notify) that the server listens, with a
// status line for systemctl status. Outside systemd it does nothing.
func notifyReady(status string) {
	sd.SdNotify(false, "READY=1\nSTATUS="+status)
}

// underSystemd reports whether systemd supervises the process (it gave a
// notification socket).
func underSystemd() bool { return os.Getenv("NOTIFY_SOCKET") != "" }

// notifyStopping tells systemd the server is shutting down.
func notifyStopping() { sd.SdNotify(false, sd.SdNotifyStopping) }

// feedWatchdog pings systemd's watchdog while the server answers its own
// /healthz through the listener, every third of the watchdog interval, until
// ctx ends: a server whose accept loop or handlers are stuck stops feeding
// it and is restarted. Without a watchdog (WATCHDOG_USEC unset) it returns
// at once.
func feedWatchdog(ctx context.Context, ln net.Listener, log *slog.Logger) {
	wd, err := sd.SdWatchdogEnabled(false)
	if err != nil || wd <= 0 {
		return
	}
	url := "http://" + probeAddr(ln.Addr()) + "/healthz"
	client := &http.Client{Timeout: wd / 3}
	t := time.NewTicker(wd / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		resp, err := client.Get(url)
		if err != nil {
			log.Warn("watchdog: the server does not answer itself", "component", "main", "err", err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			sd.SdNotify(false, sd.SdNotifyWatchdog)
		}
	}
}

// probeAddr turns a listening address into one to dial: a wildcard address
// becomes loopback.
func probeAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		if ip.To4() != nil || ip == nil {
			ip = net.IPv4(127, 0, 0, 1)
		} else {
			ip = net.IPv6loopback
		}
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}
