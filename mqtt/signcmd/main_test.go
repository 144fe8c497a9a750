package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestRun_PrintsSignedCommand(t *testing.T) {
	key := filepath.Join(t.TempDir(), "key")
	_ = os.WriteFile(key, []byte("0123456789abcdef0123\n"), 0o600)
	var out bytes.Buffer
	err := run([]string{"-key-file", key, "-topic", "edge/d/cmd/join", "-id", "op1", "-args", `{"channel":"c","uid":3}`}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		ID   string          `json:"id"`
		TS   string          `json:"ts"`
		Args json.RawMessage `json:"args"`
		Sig  string          `json:"sig"`
	}
	if err := json.Unmarshal(out.Bytes(), &p); err != nil || p.ID != "op1" || len(p.Sig) != 64 || string(p.Args) != `{"channel":"c","uid":3}` {
		t.Fatalf("output %s: %+v %v", out.String(), p, err)
	}
	if err := run([]string{"-topic", "x"}, &out); err == nil {
		t.Error("no key file accepted")
	}
}
