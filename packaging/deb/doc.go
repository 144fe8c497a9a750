// Package deb builds the Debian packages of edge-agent and edge-channeld
// for amd64, arm64 and armhf: it cross-compiles the two programs (static,
// stripped, with the version from git), generates what differs per build
// (the copyright file with the licenses of every Go module linked in, the
// Debian changelog, the compressed man pages) and hands each package's
// nfpm configuration (packaging/debian/*.yaml) to nfpm.
//
// nfpm runs as a command, `go run github.com/goreleaser/nfpm/v2/cmd/nfpm@`
// NFPMVersion, rather than as a library: the product's module then carries
// none of nfpm's sixty-odd modules (git, OpenPGP, rpm, cobra) in its go.mod
// and go.sum, the version is pinned in one constant, and the package
// descriptions stay nfpm's documented YAML, which anyone can read.
//
// The result is reproducible: the same commit, toolchain and inputs give the
// same bytes. Every time stamp is SOURCE_DATE_EPOCH (the last commit's
// time), file modes are explicit, gzip streams carry no name and no time,
// and the programs are built with -trimpath and without VCS stamping.
package deb
