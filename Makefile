# StreamRec. `make demo` and `make test` install what is missing first
# (librdkafka-dev, librocksdb-dev, zlib1g-dev, pkg-config, kcat, curl through
# apt-get; for the tests also chromium, and confluent-kafka and prometheus-client
# through pip, in a venv under .build), so both work on a fresh Debian machine
# with the Swift toolchain.

SWIFT ?= swift

.PHONY: deps test-deps build release install test lint format demo bench bench-kafka bench-replay bench-engine clean fuzz sanitize tsan asan

deps:
	@scripts/install-deps.sh

# For the tests also Chromium (the dashboard test), and a Python Kafka client and
# Prometheus parser (interop), in one apt-get run.
test-deps:
	@scripts/install-deps.sh --test
	@scripts/install-python-client.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The streamrec executable into $(PREFIX)/bin.
PREFIX ?= /usr/local
install: release
	install -d "$(PREFIX)/bin"
	install -m 755 "$$($(SWIFT) build -c release --show-bin-path)/streamrec" "$(PREFIX)/bin/streamrec"

# Formatting (.swift-format, the toolchain's swift-format): `make format` rewrites,
# `make lint` fails on any difference or rule violation.
SWIFT_FILES = Package.swift Sources Tests Benchmarks
lint:
	$(SWIFT) format lint --strict --recursive --parallel --configuration .swift-format $(SWIFT_FILES)

format:
	$(SWIFT) format --in-place --recursive --parallel --configuration .swift-format $(SWIFT_FILES)

# Checks the formatting, builds everything (the CLI tests run the streamrec
# executable), then runs every test: unit, embedded-cluster integration, kcat and
# confluent-kafka interop; then the core and engine tests under ThreadSanitizer.
test: test-deps lint
	$(SWIFT) build --build-tests
	scripts/run-tests.sh
	@$(MAKE) --no-print-directory tsan

# Mutation fuzzing of every decoder of outside bytes (Fuzz/), FUZZ_INPUTS each;
# an input that crashes or hangs one is saved in Fuzz/findings/ and the run fails.
FUZZ_INPUTS ?= 10000000
fuzz: deps
	$(SWIFT) build -c release --product streamrec-fuzz
	"$$($(SWIFT) build -c release --show-bin-path)/streamrec-fuzz" --inputs $(FUZZ_INPUTS)

# The core and engine tests under AddressSanitizer, and under ThreadSanitizer
# those that do not run a Kafka cluster: with librdkafka's threads in the process,
# TSan's runtime fails its own check in its signal handler
# (google/sanitizers#1541). `make test` (and so CI) runs the ThreadSanitizer part.
# Each sanitizer builds in a folder of its own (about 5 minutes the first time).
# Under ASan the tests run one at a time: in parallel, its slowdown on two cores
# runs the timing-bound engine tests past their limits.
TSAN_TESTS = StreamRecCoreTests|StreamRecEngineTests\.(CheckpointStoreTests|CheckpointWriterTests|UserStoreTests|RefreshSchedulerTests|PeriodicRefresherTests)
ASAN_TESTS = StreamRecCoreTests|StreamRecEngineTests
sanitize: tsan asan

tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build/tsan
	scripts/run-tests.sh --sanitize=thread --scratch-path .build/tsan --filter '$(TSAN_TESTS)'

asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build/asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp \
		scripts/run-tests.sh --sanitize=address --scratch-path .build/asan --no-parallel --filter '$(ASAN_TESTS)'

demo: deps
	$(SWIFT) build -c release --product streamrec
	"$$($(SWIFT) build -c release --show-bin-path)/streamrec" demo

# Throughput of the Kafka layer next to the bare C loop in ../shared/tools, and of
# replay next to the raw produce rate.
bench: bench-kafka bench-replay bench-engine

bench-kafka: deps
	scripts/bench-kafka.sh

bench-replay: deps
	scripts/bench-replay.sh

# The engine end to end next to the bare C pipe: events/s, latency, peak RSS.
bench-engine: deps
	scripts/bench-engine.sh

clean:
	$(SWIFT) package clean
