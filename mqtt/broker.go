package mqtt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Broker says where an MQTT broker is and how to authenticate to it. The
// reporter and package fleet share it.
type Broker struct {
	// URL is tcp://, mqtt://, ssl://, tls://, mqtts://, ws:// or wss://,
	// with host and port (SPEC §6.1 --mqtt).
	URL string
	// CAFile is a PEM file of the CAs that sign the broker's certificate;
	// empty: the system's roots.
	CAFile string
	// CertFile and KeyFile are the client certificate and key (PEM), for
	// brokers that require one; both or neither.
	CertFile, KeyFile string
	// Username is the MQTT user name.
	Username string
	// Password is the MQTT password. Prefer PasswordFile: a password on a
	// command line or in a unit file is visible to every user.
	Password string
	// PasswordFile holds the password (trailing newline ignored); it wins
	// over Password and is read again at every connect.
	PasswordFile string
}

// ClientOptions returns paho options for one connection to b: the server,
// TLS, credentials, MQTT 3.1.1, a clean session, and no automatic
// reconnect (callers decide that). The certificate and password files are
// read now, so a rotated file is picked up by the next connection.
func (b Broker) ClientOptions(clientID string) (*paho.ClientOptions, error) {
	u, err := url.Parse(b.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("mqtt broker url %q: not scheme://host:port", b.URL)
	}
	o := paho.NewClientOptions().AddBroker(b.URL).SetClientID(clientID).
		SetProtocolVersion(4).SetCleanSession(true).SetAutoReconnect(false).
		SetOrderMatters(true)
	o.SetConnectionLostHandler(nil)
	if err := b.setCredentials(o); err != nil {
		return nil, err
	}
	if isTLS(u.Scheme) {
		cfg, err := b.tlsConfig(u.Hostname())
		if err != nil {
			return nil, err
		}
		o.SetTLSConfig(cfg)
	} else if !isPlain(u.Scheme) {
		return nil, fmt.Errorf("mqtt broker url %q: unsupported scheme %q", b.URL, u.Scheme)
	}
	return o, nil
}

func isTLS(scheme string) bool {
	switch scheme {
	case "ssl", "tls", "mqtts", "wss":
		return true
	}
	return false
}

func isPlain(scheme string) bool {
	return scheme == "tcp" || scheme == "mqtt" || scheme == "ws"
}

func (b Broker) setCredentials(o *paho.ClientOptions) error {
	pw := b.Password
	if b.PasswordFile != "" {
		raw, err := os.ReadFile(b.PasswordFile)
		if err != nil {
			return fmt.Errorf("mqtt read password file: %w", err)
		}
		pw = strings.TrimRight(string(raw), "\r\n")
	}
	if b.Username != "" {
		o.SetUsername(b.Username)
	}
	if pw != "" {
		o.SetPassword(pw)
	}
	return nil
}

// tlsConfig builds the client side of TLS: the CA pool, the client
// certificate if any, TLS 1.2 at least.
func (b Broker) tlsConfig(host string) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if b.CAFile != "" {
		pem, err := os.ReadFile(b.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt CA file %s: no PEM certificate", b.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (b.CertFile == "") != (b.KeyFile == "") {
		return nil, errors.New("mqtt client certificate: CertFile and KeyFile go together")
	}
	if b.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(b.CertFile, b.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt load client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// applyTimeouts sets the reporter's timeouts on paho options.
func applyTimeouts(o *paho.ClientOptions, keepAlive, connect, write time.Duration) {
	o.SetKeepAlive(keepAlive).SetPingTimeout(min(keepAlive/2, 10*time.Second)).
		SetConnectTimeout(connect).SetWriteTimeout(write)
}
