package signal

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

// FuzzDecode checks that Decode never panics, that every refusal is an
// *Error with a known code, and that whatever it accepts survives an
// Encode/Decode round trip unchanged.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"v":1,"type":"heartbeat"}`,
		`{"v":1,"type":"join","data":{"app_id":"demo","channel":"lobby","uid":1,"token":"t","kind":"native","resume":{"session":"s","proof":"p"}}}`,
		`{"v":1,"type":"joined","data":{"session":"s","resume_secret":"k","peers":[{"uid":2,"kind":"web"}],"resumed":false,"heartbeat_ms":500}}`,
		`{"v":1,"type":"candidate","data":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdp_mid":"0","sdp_mline_index":0}}`,
		`{"v":1,"type":"error","data":{"code":"OUT_OF_ORDER","fatal":false,"message":"m","ref":"answer"}}`,
		`{"v":2,"type":"x"}`, `{"v":1,"type":"offer","data":{"sdp":"v=0\r\n"}}`, `[]`, `{`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		body, err := Decode(msg)
		if err != nil {
			if c := CodeOf(err); !c.Known() {
				t.Fatalf("Decode refused with %v, code %q is not known", err, c)
			}
			return
		}
		again, err := Encode(body)
		if err != nil {
			t.Fatalf("Encode of an accepted %T: %v", body, err)
		}
		body2, err := Decode(again)
		if err != nil {
			t.Fatalf("Decode of re-encoded %s: %v", again, err)
		}
		if !reflect.DeepEqual(body, body2) {
			t.Fatalf("round trip changed %#v into %#v", body, body2)
		}
		if again2, _ := Encode(body2); !bytes.Equal(again, again2) {
			t.Fatalf("encoding is not stable: %s vs %s", again, again2)
		}
	})
}

// FuzzParseToken checks that ParseToken never panics, that whatever it
// accepts has valid fields, and that a forged signature never verifies.
func FuzzParseToken(f *testing.F) {
	good, _ := MakeToken("demo", testSecret, "lobby", 42, time.Unix(1767225600, 0))
	for _, s := range []string{good, "", "et1", "et1.a.b.1.1.", "et1.a.b.01.1.AAAA", good + "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			return
		}
		if !ValidName(tok.AppID) || !ValidName(tok.Channel) || tok.UID == 0 || tok.Expiry.Unix() <= 0 {
			t.Fatalf("ParseToken(%q) accepted bad fields %+v", s, tok)
		}
		if s != good && tok.Verify(testSecret, time.Unix(0, 0)) == nil {
			remade, _ := MakeToken(tok.AppID, testSecret, tok.Channel, tok.UID, tok.Expiry)
			if remade != s {
				t.Fatalf("ParseToken(%q) verified with the secret but is not the token MakeToken makes (%q)", s, remade)
			}
		}
	})
}
