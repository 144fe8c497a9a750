// Package web is the channel server's viewer page: a browser joins a channel
// as a web peer (PROTOCOL.md), shows each native peer's video and keeps the
// event log of SPEC §6.2 in window.edgeEvents.
//
// Every asset is embedded in the binary and served by Handler; the page
// fetches nothing from anywhere else (its Content-Security-Policy says so).
// The page is plain HTML, CSS and JavaScript without a framework or a build
// step: the files under static/ are what the browser runs.
package web
