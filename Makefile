# The two commands: `make run` (set up everything, load the demo, then the web server on 127.0.0.1:8000, a Celery
# worker and Celery beat under honcho — Procfile; Ctrl-C stops all three) and `make test` (both cores).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# WeasyPrint needs HarfBuzz's subsetter and a CJK font (set-up cuts the papers' fonts with hb-subset, libharfbuzz-bin);
# the browser tests drive Debian's chromium-headless-shell (Chromium's headless build, the one Playwright itself runs
# headless: the same engine without the desktop browser's windowing, a sixth less of the suite's time than `chromium`).
RUN_PACKAGES := libharfbuzz-subset0 libharfbuzz-bin libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
TEST_PACKAGES := chromium-headless-shell
# Where set-up writes the papers' subset fonts (settings.PDF_FONT_ROOT reads the same variable)
PDF_FONT_ROOT ?= $(or $(XUEJI_VAR_DIR),var)/fonts

# Python packages come from the locks (exact versions with hashes), written by `make lock` from pyproject.toml.
LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --quiet
# pytest-xdist processes for `make test` (auto: one per core); worksteal: an idle worker takes the other's
# remaining tests, and tests/conftest.py puts the long browser journeys first
TEST_WORKERS ?= auto
# Python keeps the bytecode it compiles (under var/pycache, outside the source tree) even where the environment says
# not to write it (PYTHONDONTWRITEBYTECODE): otherwise every process — each test worker, each server and command
# that `make run` and the tests start — compiles every module it imports again (about 2 s of CPU for Django's
# start-up alone, 7 s for a test worker's collection).
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/var/pycache

.PHONY: run test test-fast setup system-packages test-system-packages migrate demo lint messages clean audit \
	check-deploy check-lock lock upgrade prod-stack-journey bench mutation

run: setup migrate demo
	$(VENV)/bin/honcho start

test: setup test-system-packages
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

# The same without the slow PDF and browser tests (marked `slow`, `e2e`); CI runs everything.
test-fast: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow and not e2e"

setup: system-packages $(VENV)/.installed static/vendor/.installed $(PDF_FONT_ROOT)/.installed

system-packages:
	@bin/ensure-system-packages $(RUN_PACKAGES)

test-system-packages:
	@bin/ensure-system-packages $(TEST_PACKAGES)

# uv (in the lock itself, installed first by pip with its hashes) installs the rest of the lock: 6 s instead of pip's
# 48 s in a fresh clone.
$(VENV)/.installed: $(DEV_LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	awk '/^uv==/{p=1} p && !/^uv==/ && !/^ /{p=0} p' $(DEV_LOCK) > $(VENV)/uv-lock.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv-lock.txt
	$(VENV)/bin/uv pip sync --quiet --require-hashes --python $(PY) $(DEV_LOCK)
	$(VENV)/bin/uv pip install --quiet --no-deps --python $(PY) -e .
	touch $@

# The installed packages are exactly the lock's (versions; nothing more, nothing less).
check-lock: setup
	$(PY) bin/check-locked-versions $(DEV_LOCK)

# Rewrite the locks after changing pyproject.toml, keeping every other package at its locked version;
# `make upgrade` moves every package to its newest release within pyproject.toml's ranges.
lock: setup
	$(UV_COMPILE) --extra dev -o $(DEV_LOCK)
	$(UV_COMPILE) -c $(DEV_LOCK) -o $(LOCK)

upgrade: setup
	$(UV_COMPILE) --extra dev --upgrade -o $(DEV_LOCK)
	$(UV_COMPILE) -c $(DEV_LOCK) -o $(LOCK)

# Front-end packages come from the npm registry (locked in package-lock.json) and are copied into
# static/vendor; nothing is loaded from the internet when the app runs.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	touch $@

# The papers' fonts (registry/fonts.py): single-face subsets of fonts-noto-cjk's collections (GB2312 in 4-5 MB,
# GBK's other hanzi in ~1 MB slices) instead of the 19–27 MB files that WeasyPrint would copy and subset for
# every PDF; cut once by HarfBuzz's hb-subset (a few seconds).
$(PDF_FONT_ROOT)/.installed: registry/fonts.py | system-packages $(VENV)/.installed
	$(PY) -m registry.fonts $(PDF_FONT_ROOT)
	touch $@

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

# ruff, and the import-linter contracts of pyproject.toml (the apps' layers; no cycles inside an app).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Known vulnerabilities in the installed Python packages (pip-audit; accepted ones are listed, with the
# reason, in bin/audit-dependencies).
audit: setup
	bin/audit-dependencies

# Django's deployment checklist with the production profile (tests/test_deploy_check.py runs the same).
check-deploy: setup
	XUEJI_PROFILE=production SECRET_KEY=ci-check-deploy-not-a-real-key-0123456789abcdefghijklmnop \
	  ALLOWED_HOSTS=xueji.example.cn DEBUG=false $(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks of issue 14 on a 100,000-pupil county in PostgreSQL database xueji_bench (built once, reused; never
# the DATABASE_URL one unless named: make bench BENCH_ARGS="--database-url postgres://…"); non-zero on a missed goal.
bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

# Mutation testing of the rule modules with mutmut ([tool.mutmut] in pyproject.toml; docs/mutation.md); not in CI:
# slow. Works in ./mutants. MUTANTS narrows it ("students.identity*"); run with DATABASE_URL=postgres://… for the
# rules that touch the database (row locks, jsonb).
mutation: setup
	$(VENV)/bin/mutmut run $(MUTANTS)
	$(VENV)/bin/mutmut results

# Regenerate the translation catalogues after changing UI strings (needs Debian's gettext).
messages: setup
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# What docker-compose.yml runs, without Docker: the machine's PostgreSQL and Redis, gunicorn with the production
# profile, a worker and beat; a journey over HTTP, then everything stops (CI runs it).
prod-stack-journey: setup
	$(PY) bin/prod-stack-journey

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
