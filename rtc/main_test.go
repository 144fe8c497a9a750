package rtc

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperSession())
	}
	goleak.VerifyTestMain(m)
}

// helperEnv, when set, makes the test binary a helper process that joins
// a channel with the test clip and stays joined until it is killed. Its
// settings come from the environment: RTC_HELPER_SERVER, RTC_HELPER_DIR
// (state directory), RTC_HELPER_CHANNEL and RTC_HELPER_UID. It prints
// "joined" when it is.
const helperEnv = "RTC_HELPER_SESSION"

func helperSession() int {
	uid, _ := strconv.ParseUint(os.Getenv("RTC_HELPER_UID"), 10, 32)
	events := make(chan Event, 64)
	s, err := New(Config{
		Server: os.Getenv("RTC_HELPER_SERVER"), AppID: "demo", StateDir: os.Getenv("RTC_HELPER_DIR"),
		Media: MediaTest, ICE: ICEConfig{Loopback: true, Interfaces: []string{"lo"}},
		Report: func(e Event) {
			select {
			case events <- e:
			default:
			}
		},
	})
	if err != nil {
		fmt.Println("failed:", err)
		return 1
	}
	s.Join(os.Getenv("RTC_HELPER_CHANNEL"), uint32(uid), "", true)
	for e := range events {
		if _, ok := e.(Joined); ok {
			fmt.Println("joined")
			break
		}
		if isOutcome(e) {
			fmt.Println("failed:", e)
			return 1
		}
	}
	select {} // Until killed.
}
