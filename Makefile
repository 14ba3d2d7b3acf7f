# The two commands: `make run` (set up everything, load the demo, serve on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# WeasyPrint needs HarfBuzz's subsetter and a CJK font; the browser tests drive Debian's chromium.
RUN_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
TEST_PACKAGES := chromium

.PHONY: run test setup system-packages test-system-packages migrate demo lint messages clean audit check-deploy

run: setup migrate demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup test-system-packages
	$(PY) -m pytest

setup: system-packages $(VENV)/.installed static/vendor/.installed

system-packages:
	@bin/ensure-system-packages $(RUN_PACKAGES)

test-system-packages:
	@bin/ensure-system-packages $(TEST_PACKAGES)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end packages come from the npm registry (locked in package-lock.json) and are copied into
# static/vendor; nothing is loaded from the internet when the app runs.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	touch $@

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

lint: setup
	$(VENV)/bin/ruff check .

# Known vulnerabilities in the installed Python packages (pip-audit; accepted ones are listed, with the
# reason, in bin/audit-dependencies).
audit: setup
	bin/audit-dependencies

# Django's deployment checklist with the production profile (tests/test_deploy_check.py runs the same).
check-deploy: setup
	XUEJI_PROFILE=production SECRET_KEY=ci-check-deploy-not-a-real-key-0123456789abcdefghijklmnop \
	  ALLOWED_HOSTS=xueji.example.cn DEBUG=false $(PY) manage.py check --deploy --fail-level WARNING

# Regenerate the translation catalogues after changing UI strings (needs Debian's gettext).
messages: setup
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
