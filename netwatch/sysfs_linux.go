package netwatch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxUeventSize bounds how much of a uevent file is read. Real ones are a
// few hundred bytes (INTERFACE, IFINDEX, DEVTYPE); anything bigger is not a
// uevent file we understand.
const maxUeventSize = 4096

// maxTokenLen bounds a DEVTYPE or driver name; real ones are short words.
const maxTokenLen = 64

// readSysfs adds to f what sysfs under root says about the interface
// f.Name. Missing files are normal (virtual links have no device/); an
// unreadable or malformed file is an error and leaves its field unset.
func readSysfs(root string, f *linkFacts) error {
	if !validIfName(f.Name) {
		return fmt.Errorf("sysfs: invalid interface name %q", f.Name)
	}
	dir := filepath.Join(root, "class", "net", f.Name)
	f.Wireless = exists(filepath.Join(dir, "wireless")) || exists(filepath.Join(dir, "phy80211"))
	var errs []error
	devtype, err := readDevType(filepath.Join(dir, "uevent"))
	f.DevType = devtype
	errs = append(errs, err)
	driver, err := readDriver(filepath.Join(dir, "device", "driver"))
	f.Driver = driver
	errs = append(errs, err)
	return errors.Join(errs...)
}

// validIfName reports whether name can be a Linux interface name, so that
// it is safe to put in a path: 1 to 15 bytes (IFNAMSIZ-1), no '/', no
// white space or NUL, not "." or "..".
func validIfName(name string) bool {
	if len(name) == 0 || len(name) > 15 || name == "." || name == ".." {
		return false
	}
	return !strings.ContainsAny(name, "/\x00 \t\n:")
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// readDevType returns the DEVTYPE of a uevent file, "" when there is none.
func readDevType(path string) (string, error) {
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sysfs: open uevent: %w", err)
	}
	defer file.Close()
	return parseDevType(io.LimitReader(file, maxUeventSize))
}

// parseDevType reads KEY=VALUE lines and returns DEVTYPE's value.
func parseDevType(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), "=")
		if !ok || key != "DEVTYPE" {
			continue
		}
		if !validToken(value) {
			return "", fmt.Errorf("sysfs: uevent: invalid DEVTYPE %q", value)
		}
		return value, nil
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("sysfs: read uevent: %w", err)
	}
	return "", nil
}

// readDriver returns the name of the driver bound to the device, "" when
// there is none (virtual links).
func readDriver(path string) (string, error) {
	target, err := os.Readlink(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sysfs: read driver link: %w", err)
	}
	name := filepath.Base(target)
	if !validToken(name) {
		return "", fmt.Errorf("sysfs: invalid driver name %q", name)
	}
	return name, nil
}

// validToken reports whether s looks like a DEVTYPE or driver name:
// letters, digits, '_', '-' and '.', 1 to maxTokenLen bytes.
func validToken(s string) bool {
	if len(s) == 0 || len(s) > maxTokenLen || s == "." || s == ".." {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}
