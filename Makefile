# The two commands a newcomer needs: `make dev` and `make test`. Both install what is missing
# first (pinned versions) and are safe to run again.
.PHONY: dev test tools build build-web unit e2e bench bench-smoke contracts clean

tools:
	@bash scripts/install-tools.sh

build: tools
	@bash scripts/build-web.sh
	@for worker in api stream cron queue-consumer; do bash scripts/build-worker.sh $$worker; done

## Start the whole product on http://127.0.0.1:$${PORT:-8787} (Ctrl-C stops it).
dev: tools
	@bash scripts/dev.sh

## Native unit tests, then end-to-end tests against the real workers.
test: build unit e2e bench-smoke

unit: tools
	cargo test -p domain --features contracts
	cargo test -p render
	cargo test -p e2e --lib

e2e: build
	cargo test -p e2e --test e2e

## Measure (not part of `make test`): writes bench/results.json and docs/BENCHMARKS.md.
bench: build
	@bash scripts/install-tools.sh bench
	cargo run -q -p e2e --release --bin bench

## The bench with tiny sizes (results under target/bench-smoke/): fails on errors or lost
## events, never on timings. Part of `make test` so the bench keeps working.
bench-smoke: build
	BENCH_SMOKE=1 cargo run -q -p e2e --bin bench

## Rewrite web/src/lib/contracts.ts from the Rust contract types (crates/domain/src/contracts).
contracts:
	UPDATE_CONTRACTS=1 cargo test -q -p domain --features contracts contracts

clean:
	rm -rf target workers/*/build bench/*/build web/dist .wrangler
