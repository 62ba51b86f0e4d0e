# make guide: install into .venv and build the default guide; make test: install test tools and run the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: guide test bench clean

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

clean:
	rm -rf $(VENV) out .pytest_cache
