# --- Stage 1: front-end packages (locked in package-lock.json), copied out as plain files -----------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
    && mkdir -p /assets/vendor/bootstrap /assets/vendor/htmx /assets/vendor/echarts \
    && cp node_modules/bootstrap/dist/css/bootstrap.min.css \
          node_modules/bootstrap/dist/css/bootstrap.min.css.map \
          node_modules/bootstrap/dist/js/bootstrap.bundle.min.js \
          node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
          /assets/vendor/bootstrap/ \
    && cp node_modules/htmx.org/dist/htmx.min.js /assets/vendor/htmx/ \
    && cp node_modules/echarts/dist/echarts.min.js /assets/vendor/echarts/

# --- Stage 2: the application -----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's run-time libraries (HarfBuzz subsetter, Pango) and a CJK font, as in the Makefile's RUN_PACKAGES;
# postgresql-client (15, as the db service) for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libharfbuzz-subset0 libharfbuzz-bin libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system xueji \
    && useradd --system --gid xueji --home-dir /app --no-create-home --shell /usr/sbin/nologin xueji

WORKDIR /app

# Python packages from the lock (exact versions, every file checked against its hash), in their own layer.
COPY requirements/runtime.txt /app/requirements/runtime.txt
RUN pip install --no-cache-dir --require-hashes -r /app/requirements/runtime.txt

# The code stays owned by root (read-only to the app user); only MEDIA_ROOT is writable.
COPY . /app
RUN pip install --no-cache-dir --no-deps . \
    && rm -rf /app/build /app/*.egg-info

# The papers' fonts: small subsets of fonts-noto-cjk's collections (registry/fonts.py: GB2312, and GBK's other hanzi
# in slices), read-only to the app.
RUN python -m registry.fonts /app/var/fonts

COPY --from=assets /assets/vendor/ /app/static/vendor/

# Static files are collected at build time (whitenoise serves them); the key is only for this command.
RUN XUEJI_PROFILE=production SECRET_KEY=build-only-collectstatic-key \
    python manage.py collectstatic --noinput

RUN mkdir -p /app/media && chown xueji:xueji /app/media

ENV XUEJI_PROFILE=production \
    MEDIA_ROOT=/app/media

VOLUME ["/app/media"]

USER xueji

EXPOSE 8000

CMD ["gunicorn", "registry.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
