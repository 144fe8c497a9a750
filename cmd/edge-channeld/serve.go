package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
	"github.com/edge-agent/edge-agent/rtc/server/web"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

// shutdownTimeout bounds the graceful part of a stop: HTTP requests in
// flight get this long; signalling connections are then closed.
const shutdownTimeout = 5 * time.Second

// serveFlags are edge-channeld serve's flags.
type serveFlags struct {
	listen, apps, udpPorts, publicIP, adminTokenFile, logLevel, interfaces string
	insecure, loopback                                                     bool
	// appsProblem is why the apps file could not be used, when the server
	// runs anyway (under systemd), refusing every join.
	appsProblem                                            error
	offlineAfter, webOfflineAfter, destroyAfter, heartbeat time.Duration
	maxUsers, joinBurst                                    int
	joinRate                                               float64
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", ":8080", "HTTP address: signalling WebSocket /ws, API, metrics, web page")
	fs.StringVar(&f.apps, "apps", "", `apps file: one "APP_ID SECRET" per line, # comments (or --insecure)`)
	fs.BoolVar(&f.insecure, "insecure", false, "accept any token: demos and tests only")
	fs.DurationVar(&f.offlineAfter, "offline-after", server.DefaultOfflineAfter, "silence after which native peers see DROPPED and the session ends")
	fs.DurationVar(&f.webOfflineAfter, "web-offline-after", server.DefaultWebOfflineAfter, "silence after which web peers see the user go")
	fs.DurationVar(&f.destroyAfter, "destroy-after", server.DefaultDestroyAfter, "how long an empty channel survives")
	fs.DurationVar(&f.heartbeat, "heartbeat", server.DefaultHeartbeat, "longest gap between two server messages (at most 500ms)")
	fs.StringVar(&f.udpPorts, "udp-ports", "", "UDP port range for media, MIN-MAX (default: any ephemeral port)")
	fs.StringVar(&f.publicIP, "public-ip", "", "address(es) to announce instead of the host's, comma-separated (1:1 NAT)")
	fs.BoolVar(&f.loopback, "loopback", false, "offer loopback ICE candidates (everything on one machine)")
	fs.StringVar(&f.interfaces, "interfaces", "", "network interfaces to gather ICE candidates on, comma-separated (default: all)")
	fs.IntVar(&f.maxUsers, "max-users", server.DefaultMaxUsers, "users per channel; joins beyond are REJECTED_BY_SERVER")
	fs.Float64Var(&f.joinRate, "join-rate", server.DefaultJoinRate, "joins per second per client IP")
	fs.IntVar(&f.joinBurst, "join-burst", server.DefaultJoinBurst, "burst of joins per client IP")
	fs.StringVar(&f.adminTokenFile, "admin-token-file", "", "file holding the bearer token for POST /api/v1/channels/{channel}/users/{uid}/kick")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
}

// serve runs the channel server until ctx ends.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	opts, err := f.options(stderr)
	if err != nil {
		return err
	}
	srv, err := server.New(opts)
	if err != nil {
		return usageError{err}
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return flagError("listen", "%v", err)
	}
	opts.Logger.Info("listening", "component", "main", "addr", ln.Addr().String(), "version", version)
	status := fmt.Sprintf("listening on %s", ln.Addr())
	if f.appsProblem != nil {
		status = fmt.Sprintf("refusing every join: %v (add \"APP_ID SECRET\" lines to the apps file, then restart)", f.appsProblem)
		opts.Logger.Error(status, "component", "main")
	}
	return run(ctx, srv, ln, status, opts.Logger)
}

// run serves HTTP on ln until ctx ends, then shuts down.
func run(ctx context.Context, srv *server.Server, ln net.Listener, status string, log *slog.Logger) error {
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	notifyReady(status)
	wctx, stopWatchdog := context.WithCancel(ctx)
	defer stopWatchdog()
	go feedWatchdog(wctx, ln, log)
	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	notifyStopping()
	log.Info("stopping", "component", "main")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("http shutdown", "component", "main", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	return nil
}

// options checks the flags, naming the first bad one, and turns them into
// server options.
func (f *serveFlags) options(stderr io.Writer) (server.Options, error) {
	o := server.Options{
		Insecure: f.insecure, OfflineAfter: f.offlineAfter, WebOfflineAfter: f.webOfflineAfter,
		DestroyAfter: f.destroyAfter, Heartbeat: f.heartbeat, MaxUsers: f.maxUsers,
		JoinRate: f.joinRate, JoinBurst: f.joinBurst,
		ICE:  server.ICEOptions{Loopback: f.loopback, PublicIPs: splitList(f.publicIP), Interfaces: splitList(f.interfaces)},
		Page: web.Handler(),
	}
	if err := f.checkDurations(); err != nil {
		return o, err
	}
	if err := f.checkLimits(); err != nil {
		return o, err
	}
	var err error
	if o.Apps, err = f.loadApps(); err != nil {
		if !underSystemd() || f.apps == "" {
			return o, err
		}
		// Under systemd an exit would be restarted ten times a second, and
		// a fresh install ships an apps file with no apps: serve, refusing
		// every join (INVALID_APP_ID), and say what to do.
		o.Apps, f.appsProblem = signal.AppSecrets{}, err
	}
	if o.ICE.UDPPortMin, o.ICE.UDPPortMax, err = parsePortRange(f.udpPorts); err != nil {
		return o, flagError("udp-ports", "%v", err)
	}
	for _, ip := range o.ICE.PublicIPs {
		if net.ParseIP(ip) == nil {
			return o, flagError("public-ip", "%q is not an IP address", ip)
		}
	}
	if o.AdminToken, err = readSecretFile(f.adminTokenFile); err != nil {
		return o, flagError("admin-token-file", "%v", err)
	}
	if o.Logger, err = newLogger(f.logLevel, stderr); err != nil {
		return o, err
	}
	return o, nil
}

func (f *serveFlags) checkDurations() error {
	durations := []struct {
		name string
		d    time.Duration
	}{
		{"offline-after", f.offlineAfter}, {"web-offline-after", f.webOfflineAfter},
		{"destroy-after", f.destroyAfter}, {"heartbeat", f.heartbeat},
	}
	for _, d := range durations {
		if d.d <= 0 {
			return flagError(d.name, "%v: must be positive", d.d)
		}
	}
	switch {
	case f.heartbeat > server.DefaultHeartbeat:
		return flagError("heartbeat", "%v: must be at most %v (SPEC: a heartbeat at least every 500 ms)", f.heartbeat, server.DefaultHeartbeat)
	case f.heartbeat >= f.webOfflineAfter || f.heartbeat >= f.offlineAfter:
		return flagError("heartbeat", "%v: must be shorter than --web-offline-after and --offline-after", f.heartbeat)
	}
	return nil
}

func (f *serveFlags) checkLimits() error {
	switch {
	case f.maxUsers < 1:
		return flagError("max-users", "%d: must be at least 1", f.maxUsers)
	case f.joinRate <= 0:
		return flagError("join-rate", "%v: must be positive", f.joinRate)
	case f.joinBurst < 1:
		return flagError("join-burst", "%d: must be at least 1", f.joinBurst)
	}
	return nil
}

func (f *serveFlags) loadApps() (map[string]string, error) {
	switch {
	case f.insecure && f.apps != "":
		return nil, flagError("insecure", "cannot be combined with --apps")
	case f.insecure:
		return nil, nil
	case f.apps == "":
		return nil, flagError("apps", "required (or --insecure for demos and tests)")
	}
	apps, err := server.LoadApps(f.apps)
	if err != nil {
		return nil, flagError("apps", "%v", err)
	}
	return apps, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// readSecretFile returns the first line of a file, or "" for no file.
func readSecretFile(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	if len(s) < 16 {
		return "", fmt.Errorf("%s: the token must be at least 16 characters", path)
	}
	return s, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, flagError("log-level", "%q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
