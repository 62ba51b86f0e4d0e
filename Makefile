# make guide: install into .venv and build the default guide; make test: install test tools and run the tests;
# make test-wheel: build the wheel and try it as a user would; make desk: start the advocate desk.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: guide test test-wheel bench desk clean

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

# the wheel, installed into a fresh venv and run from another folder (slow: left out of `make test`)
test-wheel: $(VENV)/.installed-test
	$(PY) -m pytest -m wheel tests/test_wheel.py

bench: $(VENV)/.installed
	$(PY) bench/bench_build.py

# the advocate desk on http://127.0.0.1:8000/ (this machine only; Ctrl-C stops it)
desk: $(VENV)/.installed
	$(PY) -m compileall -q guide
	$(VENV)/bin/guide serve

clean:
	rm -rf $(VENV) out .pytest_cache
