// Package systest boots a real Debian with systemd for system tests.
//
// Debian returns a fresh root file system made with debootstrap (Debian 12
// bookworm, minbase plus systemd, dbus and iproute2), built once per package
// list and cached under /var/cache/edge-agent-systest. Boot starts it with
// systemd-nspawn --boot and returns a Container: commands run inside through
// nsenter, files are copied in, the journal is read, and the test's cleanup
// powers it off.
//
// The helpers need root, debootstrap, systemd-nspawn and a kernel that lets
// them work. When one is missing they skip the test and say why, except when
// the environment variable EDGE_REQUIRE_SYSTEM_TESTS is 1 (CI): then the test
// fails instead.
//
// Nothing here sleeps to synchronise: every wait polls a condition under a
// deadline.
package systest
