package main

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func TestServerAddr_LiteralsAndNames(t *testing.T) {
	resolved := []netip.Addr{netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("192.0.2.7")}
	tests := []struct {
		name    string
		server  string
		answer  []netip.Addr
		lookErr error
		want    string // "" when an error is expected
	}{
		{name: "IPv4 literal", server: "ws://10.201.3.1:8080/ws", want: "10.201.3.1"},
		{name: "IPv6 literal", server: "wss://[2001:db8::1]:443/ws", want: "2001:db8::1"},
		{name: "IPv6 literal with a zone", server: "ws://[fe80::1%25eth0]:80/ws", want: "fe80::1"},
		{name: "name: first address", server: "wss://channel.example/ws", answer: resolved, want: "2001:db8::7"},
		{name: "name: IPv4-mapped answer", server: "wss://channel.example/ws",
			answer: []netip.Addr{netip.MustParseAddr("::ffff:192.0.2.8")}, want: "192.0.2.8"},
		{name: "name does not resolve", server: "wss://channel.example/ws", lookErr: errors.New("no such host")},
		{name: "name without addresses", server: "wss://channel.example/ws"},
		{name: "not a URL", server: "ws://[::1/ws"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := func(_ context.Context, network, host string) ([]netip.Addr, error) {
				if network != "ip" || host != "channel.example" {
					t.Errorf("lookup(%q, %q), want (\"ip\", \"channel.example\")", network, host)
				}
				return tt.answer, tt.lookErr
			}
			got, err := serverAddr(context.Background(), tt.server, lookup)
			if tt.want == "" {
				if err == nil {
					t.Errorf("serverAddr(%q) = %v, want an error", tt.server, got)
				}
				return
			}
			if err != nil || got != netip.MustParseAddr(tt.want) {
				t.Errorf("serverAddr(%q) = %v, %v; want %s", tt.server, got, err, tt.want)
			}
		})
	}
}
