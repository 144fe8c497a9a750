# edge-agent — build, lint and test.
#
#   make build   binaries for this machine into bin/
#   make lint    gofmt, go vet, staticcheck
#   make test    installs what the tests need, lints, runs every test with -race;
#                system tests (root, network namespaces, mosquitto, chromium,
#                systemd-nspawn) fail instead of skipping.

GO          ?= go
GOBIN       := $(shell $(GO) env GOPATH)/bin
STATICCHECK := $(GOBIN)/staticcheck
STATICCHECK_VERSION := v0.8.2

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
DATE    := $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

# Debian packages the tests use. Each is installed only when missing.
APT_PACKAGES ?= iproute2 nftables mosquitto chromium debootstrap systemd-container lintian qemu-user-static ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-good

TEST_TIMEOUT ?= 80m

.PHONY: all build lint test deps apt-deps tools fmt-check

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ ./cmd/...

deps: apt-deps tools
	$(GO) mod download

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

tools:
	@test -x $(STATICCHECK) || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

lint: tools fmt-check
	$(GO) vet ./...
	$(STATICCHECK) ./...

test: deps lint
	EDGE_REQUIRE_SYSTEM_TESTS=1 $(GO) test -race -timeout $(TEST_TIMEOUT) ./...

# Debian packages (packaging/README.md): dist/edge-agent_VERSION_ARCH.deb and
# dist/edge-channeld_VERSION_ARCH.deb for each of DEB_ARCHES.
DEB_ARCHES ?= amd64,arm64,armhf

.PHONY: deb deb-test

deb:
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./packaging/cmd/mkdeb -out dist -arch $(DEB_ARCHES)

# The packages' tests alone (make test runs them too): reproducible bytes,
# lintian, the ARM builds under qemu, install/upgrade/remove/purge in a
# booted Debian.
deb-test: apt-deps
	EDGE_REQUIRE_SYSTEM_TESTS=1 $(GO) test -race -timeout $(TEST_TIMEOUT) -v ./packaging/deb/... ./packaging/debtest/...
