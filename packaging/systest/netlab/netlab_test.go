package netlab

import (
	"context"
	"net"
	"testing"
	"time"
)

// TestLink_CutDropsBothWaysAndHeals checks a TCP connection from the
// namespace to the host: it works, then a connect times out while cut (no
// error comes back: the packets vanish), then works again.
func TestLink_CutDropsBothWaysAndHeals(t *testing.T) {
	Require(t)
	ns := NewNS(t, "cut")
	l := Connect(t, ns, "eth0", 100)
	ln, err := net.Listen("tcp", l.HostIP+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dial := func(timeout string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return ns.Command(ctx, "timeout", timeout, "bash", "-c", "exec 3<>/dev/tcp/"+l.HostIP+"/"+port(ln)).Run()
	}
	if err := dial("2"); err != nil {
		t.Fatalf("before the cut: %v", err)
	}
	l.Cut(t)
	if err := dial("1"); err == nil {
		t.Fatal("connected through a cut link")
	}
	l.Heal(t)
	if err := dial("2"); err != nil {
		t.Fatalf("after healing: %v", err)
	}
}

func port(ln net.Listener) string {
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	return p
}
