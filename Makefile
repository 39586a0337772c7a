# ear_vae: every user-facing command. `make test` is what CI runs (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MPLBACKEND := Agg

.PHONY: install test test-nbs test-py check-sync docs readme bench bundle lab clean-venv repro quickstart pull push

install: $(STAMP)

# The pinned environment. Re-runs only when settings.ini or this Makefile change (stamp file).
$(STAMP): settings.ini setup.py Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip<26" wheel "setuptools>=65,<70"
	$(BIN)/python -m pip install --quiet torch==2.11.0 torchaudio==2.11.0
	$(BIN)/python -m pip install --quiet --no-build-isolation -e ".[dev]"   # dev includes the pipeline extra (dvc, papermill, jupyterlab)
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then \
	  echo "apt-get update (the debian: music sources need the package lists)"; apt-get update -qq || true; fi
	@if ! command -v ffmpeg >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing ffmpeg with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; \
	  else echo "warning: ffmpeg is missing and apt-get is not usable here; the codec baselines need it"; fi; \
	fi
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1 && ! command -v google-chrome-stable >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium with apt-get (headless browser tests of the docs site and the listening page)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; \
	  else echo "warning: Chromium is missing and apt-get is not usable here; the browser tests (tests/test_docs.py, tests/test_listen.py) need it"; fi; \
	fi
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "ear_vae (.venv)" >/dev/null
	@touch $@

# Fails when nbdev_export or nbdev_clean would change a file: package and notebooks out of step.
check-sync: install
	@before=$$(find nbs ear_vae -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' | sort | xargs sha1sum); \
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean; \
	after=$$(find nbs ear_vae -type f \( -name '*.ipynb' -o -name '*.py' \) -not -path '*/.ipynb_checkpoints/*' | sort | xargs sha1sum); \
	if [ "$$before" != "$$after" ]; then \
	  echo "error: nbdev_export/nbdev_clean changed these files; run them and commit the result:"; \
	  diff <(echo "$$before") <(echo "$$after") | grep '^[<>]' | awk '{print $$3}' | sort -u; exit 1; fi; \
	echo "nbs/ and ear_vae/ are in step"
	@$(BIN)/python scripts/build_docs.py --check-readme

# nbdev_test alone; `make docs` runs every notebook the same way and keeps the outputs for the site.
# Two notebooks at once share the cores as in `make docs` (scripts/build_docs.py --thread-env), unless OMP_NUM_THREADS or
# MKL_NUM_THREADS is set.
test-nbs: install
	@settings="$$($(BIN)/python scripts/build_docs.py --thread-env 2)"; \
	echo "nbdev_test, 2 notebooks at a time: $${settings:-the thread counts you set}"; \
	env $$settings $(BIN)/nbdev_test --n_workers 2 --do_print

# The documentation site in _docs/ (git-ignored): every notebook executed as nbdev_test does, rendered with its outputs.
docs: install
	$(BIN)/python scripts/build_docs.py --out _docs

# README.md is generated from nbs/index.ipynb (the site's home page): edit the notebook, then run this.
readme: install
	$(BIN)/python scripts/build_docs.py --readme

test-py: install
	$(BIN)/python -m pytest -q tests/

# The notebooks' tests run inside `docs` (the site is built from their executed copies); then pytest.
test: check-sync docs test-py

bench: install
	$(BIN)/ear-vae bench --out reports

# The offline GPU node's bundle (nbs/11_offline.ipynb): wheels, clips, training tracks; needs the prepared corpus and clips.
bundle: install
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/dvc repro clips
	$(BIN)/ear-vae node bundle --prepared data/prepared --clips data/test_clips --out bundle

# JupyterLab on the notebooks with the .venv kernel: `make lab PORT=8890 NO_BROWSER=1` (a container's root user is allowed).
PORT ?= 8888
lab: install
	$(BIN)/jupyter lab --notebook-dir=nbs --port=$(PORT) $(if $(filter-out 0,$(NO_BROWSER)),--no-browser) $$([ "$$(id -u)" = 0 ] && echo --allow-root)

clean-venv:
	rm -rf $(VENV)

# The whole pipeline (fetch, prepare, train every variant, ...): dvc repro with the .venv on PATH.
repro: install
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/dvc repro

# A first model: fetch and prepare the music (once), train 600 steps, reconstruct a test clip (quickstart/); `ear-vae quickstart --help` says how long it took here.
quickstart: install
	$(BIN)/ear-vae quickstart

# Shared results through a DVC remote (README, "Shared results"): `make push` after a run, `make pull` in another clone;
# each says what it did, and why when it did nothing or refused (scripts/dvc_share.sh).
pull push: install
	@PATH="$(abspath $(BIN)):$$PATH" DVC=$(BIN)/dvc bash scripts/dvc_share.sh $@
