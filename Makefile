# The two commands: `make run` and `make test`. Both install what is missing first.
GO      ?= go
# The approved Go with the standard library's security fixes; the go command
# fetches it from the module proxy when the machine has an older one.
export GOTOOLCHAIN := go1.27.3
PKGS    := ./...

.PHONY: run test test-under-load schema soak bench screenshots lint deps generate build reset clean

## run: start a throwaway PostgreSQL (unless DATABASE_URL is set), migrate, seed the demo, serve on :8080
run: deps
	$(GO) run ./cmd/kaa dev

## test: every test, each test binary with its own PostgreSQL; the office read-back tests run when LibreOffice (soffice) is installed
test: deps
	@scripts/ensure-deps.sh --browser
	@command -v soffice >/dev/null 2>&1 || echo "LibreOffice (soffice) is not installed: the office read-back tests are skipped (TestDownloadsInLibreOffice, internal/officetest). Install: sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui"
	$(GO) test -count=1 $(PKGS)

## schema: write migrations/schema.sql, the schema after every migration (pg_dump of a freshly migrated throwaway database, normalised); commit it with each new migration
schema: deps
	$(GO) test -count=1 -run '^TestSchemaSnapshot$$' ./internal/db -args -update

## test-under-load: make test three times in a row beside two CPU-bound processes; stops at the first failure, prints each run's time
test-under-load:
	@MAKE="$(MAKE)" scripts/test-under-load.sh

## soak: the load and fault proofs of make test, with the load running SOAK_SECONDS (default 300)
SOAK_SECONDS ?= 300
soak: deps
	KAA_LOAD_SECONDS=$(SOAK_SECONDS) $(GO) test -count=1 -timeout 0 -run 'TestMixedLoad|TestDatabaseOutage|TestKilledMidImport' -v ./internal/ui ./cmd/kaa

## screenshots: run the browser journeys and keep their pictures in docs/screenshots (the README shows some)
screenshots: deps
	@scripts/ensure-deps.sh --browser
	KAA_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'TestJourney|TestOneHandedPhone' ./internal/ui

## bench: generate the national dataset (once, kept in .bench/), load the real server and write docs/benchmarks.md; SCALE=0.1 for a quick run (cmd/kaa-bench, not in bin/kaa)
SCALE    ?= 1
DURATION ?= 5s
bench: deps
	$(GO) run ./cmd/kaa-bench bench --scale $(SCALE) --duration $(DURATION) --dir .bench --out docs/benchmarks.md

## lint: gofmt, go vet, the templ drift check and known vulnerabilities (offline, scripts/vulncheck.sh)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) tool templ generate >/dev/null
	@git diff --exit-code -- '*_templ.go' || { echo "templ output is stale: run 'make generate' and commit"; exit 1; }
	GO=$(GO) scripts/vulncheck.sh

## deps: install PostgreSQL's server binaries when missing (Debian/Ubuntu)
deps:
	@scripts/ensure-deps.sh

## generate: regenerate the templ components
generate:
	$(GO) tool templ generate

## build: the kaa binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/kaa ./cmd/kaa

## reset: wipe the throwaway development database
reset:
	@if [ -f .dev/pgdata-location ]; then rm -rf "$$(dirname "$$(cat .dev/pgdata-location)")"; fi
	rm -rf .dev
	@if [ -f .bench/pgdata-location ]; then rm -rf "$$(dirname "$$(cat .bench/pgdata-location)")"; fi
	rm -rf .bench
	@echo "development database wiped; the next 'make run' starts afresh"

clean: reset
	rm -rf bin
