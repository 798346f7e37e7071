# hukou: build, test, demo and benchmarks. `make demo` and `make test` are all a fresh machine needs.
SWIFT    ?= swift
RELEASE  := .build/release/hukou
DEBUG    := .build/debug/hukou

.PHONY: all build deps test golden demo bench testdata clean

all: build

# System packages the build needs (installed when missing; CI and fresh machines run as root).
deps:
	@pkg-config --exists libxml-2.0 || { \
	  echo "make: installing libxml2-dev"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-dev pkg-config; }

build: deps
	$(SWIFT) build -c release --product hukou

# Every test: unit tests, golden files per stage, end-to-end runs of the built binary.
test: deps
	$(SWIFT) build --product hukou
	HUKOU_BIN=$(CURDIR)/$(DEBUG) $(SWIFT) test

# Refresh the golden files from the current binary; review with `git diff Tests/golden`.
golden: deps
	$(SWIFT) build --product hukou
	HUKOU_BIN=$(CURDIR)/$(DEBUG) HUKOU_GOLDEN_UPDATE=1 $(SWIFT) test --filter golden

# The township pipeline on the committed synthetic county (testdata/county): orders in
# out/orders.ndjson, the station's reports in out/township-report/, the equivalent shell pipe in
# out/township.sh, and the findings scored against the county's truth.
demo: build
	@mkdir -p out
	$(RELEASE) run pipelines/township.yaml -o out/orders.ndjson --stats
	@echo "reports: out/township-report/"; ls out/township-report
	$(RELEASE) run --shell pipelines/township.yaml > out/township.sh
	$(RELEASE) run pipelines/findings.yaml -o out/findings.ndjson
	$(RELEASE) score --truth testdata/county/truth.ndjson out/findings.ndjson

# Benchmarks on generated data (bench/data/, not committed); prints the README's figures.
bench: build
	@command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; }
	bash bench/run.sh

# The committed synthetic county (testdata/county/); its README.txt records the same command.
testdata: build
	rm -rf testdata/county
	$(RELEASE) synth --seed 1 --persons 3000 --out testdata/county

clean:
	rm -rf .build out bench/data
