# The two commands of the README: `make train` and `make test`. Both set up .venv and the data first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.14.1 torchvision==0.29.1
DATA_DIR ?= /usr/share/datasets/fashion-mnist
ARGS ?=
PYTEST_ARGS ?=

# Large tensors page-fault badly on small VMs without these (steps went from 1.6 s to 34 s).
export MALLOC_MMAP_THRESHOLD_ := 4294967296
export MALLOC_TRIM_THRESHOLD_ := 68719476736

.PHONY: install data train test test-fast bench lint docs docs-build clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -c "import torch, torchvision" 2>/dev/null || $(BIN)/python -m pip install -q $(TORCH_SPEC)
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed  ## create .venv and install the package with its dev extras

data:  ## install Fashion-MNIST from Debian's package when it is missing
	@test -f $(DATA_DIR)/train-images-idx3-ubyte.gz || { \
	  echo "Fashion-MNIST not in $(DATA_DIR): installing dataset-fashion-mnist"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq dataset-fashion-mnist; }

train: install data  ## the default experiment (ARGS="regularizer=vicreg ..." to override)
	$(BIN)/python train.py $(ARGS)

test: install data  ## the whole suite, slow tests included (what CI runs)
	WANDB_MODE=disabled $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install  ## the suite without the slow tests
	WANDB_MODE=disabled $(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: install data  ## benchmarks (SIGReg, training, planning; the MALLOC_* settings above apply) -> experiments/benchmarks/README.md
	WANDB_MODE=disabled $(BIN)/python experiments/benchmarks/bench_sigreg.py $(ARGS)
	WANDB_MODE=disabled $(BIN)/python experiments/benchmarks/bench_training.py $(ARGS)
	WANDB_MODE=disabled $(BIN)/python experiments/benchmarks/bench_planning.py $(ARGS)
	$(BIN)/python experiments/benchmarks/report.py

# The documentation site (mkdocs.yml): config and API references and experiment pages are generated at every build.
DOCS_ENV := NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true

docs: install  ## serve the documentation site at http://127.0.0.1:8000, rebuilt on every edit
	$(DOCS_ENV) $(BIN)/mkdocs serve

docs-build: install  ## build the documentation site into site/, every warning an error
	$(DOCS_ENV) $(BIN)/mkdocs build --strict

lint: install
	$(BIN)/python -m ruff check src tests docs experiments train.py
	$(BIN)/python -m ruff format --check src tests docs experiments train.py

clean:
	rm -rf outputs multirun .pytest_cache site
