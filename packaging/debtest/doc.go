// Package debtest tests the Debian packages packaging/deb builds, as a user
// of them would: the bytes are the same when built twice from the same
// commit, lintian has nothing to say, the ARM programs and unit tests run
// under qemu-user, and in a booted Debian (packaging/systest) the packages
// install, wait for their configuration, upgrade without peers noticing,
// and leave nothing behind when purged.
//
// It has no code of its own: everything is in its tests.
package debtest
