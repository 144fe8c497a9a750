package rtc

import (
	"os"
	"strconv"
	"testing"

	"github.com/edge-agent/edge-agent/rtc/server"
)

// These tests reproduce bugs of rtc/server found while testing this
// package. They are skipped unless RTC_SERVER_BUGS=1, because the second
// one crashes the test binary.

func skipUnlessServerBugs(t *testing.T) {
	if os.Getenv("RTC_SERVER_BUGS") == "" {
		t.Skip("reproduces a bug of rtc/server; run with RTC_SERVER_BUGS=1")
	}
}

// TestServerBug_SubscriberOfferOutgrowsTheLimit: each fresh publisher
// join adds m-lines to a subscriber's offer and its leave does not take
// them away, so after about a dozen the offer passes signal.MaxMessageSize;
// the server logs "encode offer: OVERSIZED" and the subscriber never gets
// the new publisher's media.
func TestServerBug_SubscriberOfferOutgrowsTheLimit(t *testing.T) {
	skipUnlessServerBugs(t)
	srv := startServer(t, server.Options{JoinRate: 1e6, JoinBurst: 1e6})
	w := newClient(t, srv, 2, MediaNone, nil)
	w.joined(t, "lobby", true)
	a := newClient(t, srv, 1, MediaTest, nil)
	for round := range 30 {
		a.joined(t, "lobby", true)
		pkts := videoOf(w, 1).Packets
		eventually(t, "media at the subscriber in round "+strconv.Itoa(round), func() bool { return videoOf(w, 1).Packets > pkts })
		a.Stop(true)
		next[PeerOffline](t, w.rec)
	}
}

// TestServerBug_LeaveRightAfterJoinCrashes: a publisher that leaves right
// after joining can make the server call ReadRTCP on a nil *RTPSender
// (peer.addNow reads t.Sender() in the spawned goroutine, after
// removeDownstream's RemoveTrack cleared it): a nil pointer panic that
// takes the server down.
func TestServerBug_LeaveRightAfterJoinCrashes(t *testing.T) {
	skipUnlessServerBugs(t)
	srv := startServer(t, server.Options{JoinRate: 1e6, JoinBurst: 1e6})
	w := newClient(t, srv, 2, MediaNone, nil)
	w.joined(t, "lobby", true)
	a := newClient(t, srv, 1, MediaTest, nil)
	for range 200 {
		a.joined(t, "lobby", true)
		a.Stop(true)
		next[PeerOffline](t, w.rec)
	}
}
