package netwatch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSysfs builds a sysfs tree under a temporary root. Each entry of files
// is a path under class/net; a value starting with "->" makes a symlink.
func fakeSysfs(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, "class", "net", rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasPrefix(content, "->"):
			err = os.Symlink(strings.TrimPrefix(content, "->"), p)
		case strings.HasSuffix(rel, "/"):
			err = os.MkdirAll(p, 0o755)
		default:
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestReadSysfs_Classifies(t *testing.T) {
	root := fakeSysfs(t, map[string]string{
		"wlan0/wireless/":     "",
		"wlan0/uevent":        "DEVTYPE=wlan\nINTERFACE=wlan0\nIFINDEX=3\n",
		"wlan0/device/driver": "->../../../bus/pci/drivers/iwlwifi",
		"phy0if/phy80211":     "->../../ieee80211/phy0",
		"wwan0/uevent":        "INTERFACE=wwan0\nIFINDEX=4\nDEVTYPE=wwan\n",
		"usb0/device/driver":  "->../../../../bus/usb/drivers/qmi_wwan",
		"eth0/uevent":         "INTERFACE=eth0\nIFINDEX=2\n",
		"eth0/device/driver":  "->../../../bus/pci/drivers/e1000e",
	})
	tests := []struct {
		name    string
		facts   linkFacts
		want    NetworkType
		devtype string
		driver  string
	}{
		{name: "wifi", facts: linkFacts{Name: "wlan0", Kind: "device", Encap: "ether"},
			want: NetworkWiFi, devtype: "wlan", driver: "iwlwifi"},
		{name: "wifi by phy80211 only", facts: linkFacts{Name: "phy0if", Kind: "device", Encap: "ether"},
			want: NetworkWiFi},
		{name: "wwan by DEVTYPE", facts: linkFacts{Name: "wwan0", Kind: "device", Encap: "none"},
			want: NetworkMobile4G, devtype: "wwan"},
		{name: "qmi by driver, ether encapsulation", facts: linkFacts{Name: "usb0", Kind: "device", Encap: "ether"},
			want: NetworkMobile4G, driver: "qmi_wwan"},
		{name: "ethernet", facts: linkFacts{Name: "eth0", Kind: "device", Encap: "ether"},
			want: NetworkLAN, driver: "e1000e"},
		{name: "absent from sysfs (another namespace)", facts: linkFacts{Name: "veth9", Kind: "veth", Encap: "ether"},
			want: NetworkLAN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.facts
			if err := readSysfs(root, &f); err != nil {
				t.Fatalf("readSysfs: %v", err)
			}
			if f.DevType != tt.devtype || f.Driver != tt.driver {
				t.Errorf("facts = %+v, want devtype %q driver %q", f, tt.devtype, tt.driver)
			}
			if got := classify(f); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadSysfs_RejectsBadInput(t *testing.T) {
	root := fakeSysfs(t, map[string]string{
		"bad0/uevent":        "DEVTYPE=wl an/../x\n",
		"bad1/device/driver": "->../drivers/we$rd",
		"long0/uevent":       "DEVTYPE=" + strings.Repeat("x", 100) + "\n",
		"ok0/uevent":         "garbage without equals\n\x00\xff\nDEVTYPE=wlan\n",
	})
	tests := []struct {
		name    string
		ifname  string
		wantErr bool
		devtype string
	}{
		{name: "devtype with a space and a slash", ifname: "bad0", wantErr: true},
		{name: "driver with a bad character", ifname: "bad1", wantErr: true},
		{name: "devtype too long", ifname: "long0", wantErr: true},
		{name: "garbage lines are skipped", ifname: "ok0", devtype: "wlan"},
		{name: "path traversal in the name", ifname: "../../etc", wantErr: true},
		{name: "dot-dot", ifname: "..", wantErr: true},
		{name: "empty name", ifname: "", wantErr: true},
		{name: "name too long", ifname: "abcdefghijklmnop", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := linkFacts{Name: tt.ifname}
			err := readSysfs(root, &f)
			if (err != nil) != tt.wantErr {
				t.Fatalf("readSysfs err = %v, want error %v", err, tt.wantErr)
			}
			if f.DevType != tt.devtype {
				t.Errorf("DevType = %q, want %q", f.DevType, tt.devtype)
			}
		})
	}
}

func TestParseDevType_BoundedRead(t *testing.T) {
	huge := strings.Repeat("A=B\n", 10000) + "DEVTYPE=wlan\n"
	root := fakeSysfs(t, map[string]string{"big0/uevent": huge})
	f := linkFacts{Name: "big0"}
	if err := readSysfs(root, &f); err != nil {
		t.Fatalf("readSysfs: %v", err)
	}
	if f.DevType != "" {
		t.Errorf("DevType = %q: read past maxUeventSize", f.DevType)
	}
}
