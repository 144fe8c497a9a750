package mqtt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"github.com/edge-agent/edge-agent/mqtt/mqtttest"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// testPKI is a CA with a server certificate for 127.0.0.1 and a client
// certificate, as PEM files in a temp dir.
type testPKI struct {
	dir                       string
	ca, serverCert, serverKey string
	clientCert, clientKey     string
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	p := testPKI{dir: t.TempDir()}
	caKey, caCert := newCert(t, nil, nil, &x509.Certificate{
		Subject: pkix.Name{CommonName: "edge test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	})
	p.ca = p.write(t, "ca.pem", "CERTIFICATE", caCert.Raw)
	sk, sc := newCert(t, caKey, caCert, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"localhost"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	p.serverCert, p.serverKey = p.write(t, "server.pem", "CERTIFICATE", sc.Raw), p.writeKey(t, "server.key", sk)
	ck, cc := newCert(t, caKey, caCert, &x509.Certificate{
		Subject: pkix.Name{CommonName: "dev1"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	p.clientCert, p.clientKey = p.write(t, "client.pem", "CERTIFICATE", cc.Raw), p.writeKey(t, "client.key", ck)
	return p
}

// newCert makes a key and a certificate from tmpl, signed by parent (self
// when parent is nil).
func newCert(t *testing.T, parentKey *ecdsa.PrivateKey, parent, tmpl *x509.Certificate) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = serial, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

func (p testPKI) write(t *testing.T, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (p testPKI) writeKey(t *testing.T, name string, key *ecdsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return p.write(t, name, "EC PRIVATE KEY", der)
}

func TestReporter_TLSWithClientCertificate(t *testing.T) {
	mqtttest.Need(t)
	pki := newTestPKI(t)
	m := mqtttest.Start(t, "cafile "+pki.ca+"\ncertfile "+pki.serverCert+"\nkeyfile "+pki.serverKey+
		"\nrequire_certificate true\nuse_identity_as_username true\nallow_anonymous false")
	b := Broker{URL: m.URL("ssl"), CAFile: pki.ca, CertFile: pki.clientCert, KeyFile: pki.clientKey}
	sub := newSub(t, b, topicStatus, topicEvents)
	r := startReporter(t, b, t.TempDir(), nil)
	_ = r.Event(time.Now(), testDoc("event", 1))
	sub.waitOn(t, topicStatus, 10*time.Second, "online over TLS", nonEmpty)
	sub.waitOn(t, topicEvents, 10*time.Second, "event over TLS", nonEmpty)

	noCert := b
	noCert.CertFile, noCert.KeyFile = "", ""
	if err := tryConnect(t, noCert); err == nil {
		t.Error("connected without a client certificate")
	}
	otherCA := newTestPKI(t)
	wrongCA := b
	wrongCA.CAFile = otherCA.ca
	if err := tryConnect(t, wrongCA); err == nil {
		t.Error("connected to a broker whose certificate the CA did not sign")
	}
}

func TestReporter_UsernamePasswordFile(t *testing.T) {
	mqtttest.Need(t)
	passwd, err := exec.LookPath("mosquitto_passwd")
	if err != nil {
		if os.Getenv("EDGE_REQUIRE_SYSTEM_TESTS") == "1" {
			t.Fatal("mosquitto_passwd not installed (Debian package mosquitto; EDGE_REQUIRE_SYSTEM_TESTS=1)")
		}
		t.Skip("mosquitto_passwd not installed")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "passwd")
	if out, err := exec.Command(passwd, "-b", "-c", db, "dev1", "s3cret").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	pwFile := filepath.Join(dir, "pw")
	_ = os.WriteFile(pwFile, []byte("s3cret\n"), 0o600)
	m := mqtttest.Start(t, "password_file "+db+"\nallow_anonymous false")
	b := Broker{URL: m.URL("tcp"), Username: "dev1", PasswordFile: pwFile}
	r := startReporter(t, b, t.TempDir(), nil)
	waitUntil(t, 10*time.Second, "connected with user and password file", func() bool { return r.Stats().Connected })
	if err := tryConnect(t, Broker{URL: b.URL, Username: "dev1", Password: "wrong"}); err == nil {
		t.Error("connected with a wrong password")
	}
}

// TestReporter_WebSocket uses mochi's WebSocket listener: Debian 12's
// mosquitto 2.0.11 fails to open its websockets listener here ("Unable to
// start any listening sockets").
func TestReporter_WebSocket(t *testing.T) {
	srv := mochi.New(&mochi.Options{Logger: testLogger(t)})
	_ = srv.AddHook(new(allowAll), nil)
	ws := listeners.NewWebsocket(listeners.Config{Type: "ws", ID: "ws", Address: "127.0.0.1:" + strconv.Itoa(freePort(t))})
	if err := srv.AddListener(ws); err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	b := Broker{URL: "ws://" + ws.Address() + "/"}
	sub := newSub(t, b, topicEvents)
	r := startReporter(t, b, t.TempDir(), nil)
	_ = r.Event(time.Now(), testDoc("event", 1))
	sub.waitOn(t, topicEvents, 10*time.Second, "event over ws://", nonEmpty)
	closeReporter(t, r)
	sub.c.Disconnect(100)
}

// tryConnect makes one plain paho connection with b and returns its error.
func tryConnect(t *testing.T, b Broker) error {
	t.Helper()
	o, err := b.ClientOptions("probe-" + newBootID())
	if err != nil {
		return err
	}
	o.SetConnectTimeout(3 * time.Second)
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(5 * time.Second) {
		t.Fatal("connect did not finish")
	}
	if tok.Error() == nil {
		c.Disconnect(0)
	}
	return tok.Error()
}
