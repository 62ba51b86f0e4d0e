# make guide: install into .venv and build the default guide; make test: install test tools and run the tests;
# make desk: start the advocate desk.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: guide test bench desk clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@# compile our own modules once: this machine sets PYTHONDONTWRITEBYTECODE, so otherwise
	@# every run would compile them again (about 0.1 s of each build)
	$(PY) -m compileall -q guide
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

guide: $(VENV)/.installed
	$(PY) -m compileall -q guide
	$(PY) build_guide.py

test: $(VENV)/.installed-test
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) bench/bench_build.py

# the advocate desk on http://127.0.0.1:8000/ (this machine only; Ctrl-C stops it)
desk: $(VENV)/.installed
	$(PY) -m compileall -q guide
	$(VENV)/bin/guide serve

clean:
	rm -rf $(VENV) out .pytest_cache
