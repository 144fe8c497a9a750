package server

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// ErrNotFound is returned by Kick when no such user is present.
var ErrNotFound = errors.New("no such user")

// Kick removes uid from a channel: the client gets kicked (SPEC §1
// BANNED_BY_SERVER) and its connection closes; peers who saw it get
// peer-offline QUIT. appID may be empty when only one app has a channel of
// that name.
func (s *Server) Kick(appID, channel string, uid uint32, message string) error {
	ch, err := s.findChannel(appID, channel)
	if err != nil {
		return fmt.Errorf("kick %s/%d: %w", channel, uid, err)
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	sess := ch.sessions[uid]
	if sess == nil {
		return fmt.Errorf("kick %s/%d: %w", channel, uid, ErrNotFound)
	}
	if message == "" {
		message = "removed by the server"
	}
	if len(message) > 256 {
		message = message[:256]
	}
	ch.end(sess, signal.OfflineQuit, &signal.Kicked{Message: strings.ToValidUTF8(message, "?")})
	return nil
}

func (s *Server) findChannel(appID, name string) (*channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*channel
	for k, ch := range s.channels {
		if k.name == name && (appID == "" || k.app == appID) {
			found = append(found, ch)
		}
	}
	switch len(found) {
	case 0:
		return nil, ErrNotFound
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("channel %q exists in %d apps; name the app", name, len(found))
}

// ChannelInfo describes a channel for GET /api/v1/channels.
type ChannelInfo struct {
	AppID string    `json:"app_id"`
	Name  string    `json:"name"`
	Since time.Time `json:"since"`
	// EmptySince is when the last user went; the channel is destroyed
	// --destroy-after later. Absent while someone is present.
	EmptySince *time.Time `json:"empty_since,omitempty"`
	Users      []UserInfo `json:"users"`
}

// UserInfo describes one present user.
type UserInfo struct {
	UID  uint32      `json:"uid"`
	Kind signal.Kind `json:"kind"`
	// Presence is "present", or "web-offline" when web peers were told the
	// user is gone (silent past --web-offline-after) but native peers were
	// not yet.
	Presence string `json:"presence"`
	// Since is when Presence took its value.
	Since  time.Time `json:"since"`
	Joined time.Time `json:"joined"`
	// SilentMS is the time since the last data from the user.
	SilentMS int64 `json:"silent_ms"`
	// Connected is whether a signalling connection is attached.
	Connected bool `json:"connected"`
	// Publishing lists the kinds of media forwarded from the user.
	Publishing []string `json:"publishing"`
}

// Channels describes every channel, sorted by app and name, users by uid.
func (s *Server) Channels() []ChannelInfo {
	out := []ChannelInfo{}
	for _, ch := range s.channelList() {
		out = append(out, ch.info(time.Now()))
	}
	slices.SortFunc(out, func(a, b ChannelInfo) int {
		return strings.Compare(a.AppID+"\x00"+a.Name, b.AppID+"\x00"+b.Name)
	})
	return out
}

func (ch *channel) info(now time.Time) ChannelInfo {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ci := ChannelInfo{AppID: ch.key.app, Name: ch.key.name, Since: ch.since, Users: []UserInfo{}}
	if !ch.emptySince.IsZero() {
		t := ch.emptySince
		ci.EmptySince = &t
	}
	for _, s := range ch.sessions {
		ci.Users = append(ci.Users, UserInfo{
			UID: s.uid, Kind: s.kind, Presence: s.presence(), Since: s.presenceSince, Joined: s.joined,
			SilentMS: now.Sub(s.lastData()).Milliseconds(), Connected: s.conn != nil,
			Publishing: ch.publishing(s.uid),
		})
	}
	slices.SortFunc(ci.Users, func(a, b UserInfo) int { return cmp.Compare(a.UID, b.UID) })
	return ci
}
