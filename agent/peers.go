package agent

import "slices"

// This file holds the peers' callbacks.

// peerJoined reports a peer that was not present.
func (s *step) peerJoined(uid uint32) {
	if !s.st.joined() || uid == 0 || uid == s.st.UID || s.st.hasPeer(uid) {
		return
	}
	s.setPeers(append(slices.Clone(s.st.Peers), uid))
	s.emit(Event{Kind: OnUserJoined, RemoteUID: uid, Elapsed: s.now.Sub(s.st.JoinStart)})
}

// peerOffline reports a present peer that left or dropped.
func (s *step) peerOffline(uid uint32, reason OfflineReason) {
	if !s.st.joined() || !s.st.hasPeer(uid) {
		return
	}
	s.st.Peers = slices.DeleteFunc(slices.Clone(s.st.Peers), func(p uint32) bool { return p == uid })
	s.emit(Event{Kind: OnUserOffline, RemoteUID: uid, Offline: reason})
}

// syncPeers reconciles the peers the server lists after a (re)join with
// those known: a newcomer is reported joined, a missing one dropped (it went
// while this device could not hear the server).
func (s *step) syncPeers(peers []uint32) {
	for _, uid := range s.st.Peers {
		if !slices.Contains(peers, uid) {
			s.peerOffline(uid, OfflineDropped)
		}
	}
	for _, uid := range peers {
		s.peerJoined(uid)
	}
}
