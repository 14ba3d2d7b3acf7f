"""Which database the benchmarks use: their own PostgreSQL database `xueji_bench` (made and migrated when
missing), never the one DATABASE_URL serves unless `--database-url` names it."""

import os

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xueji_bench"


def setup(database_url=None):
    """Point Django at the benchmark database, create and migrate it if needed, and set Django up."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the benchmarks measure PostgreSQL, not {url.split(':')[0]}")
    _create_if_missing(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return url


def _create_if_missing(url):
    """Create the database when missing, with the planner setting production's PostgreSQL runs with
    (docker-compose.yml: random_page_cost 1.1, the data being in memory or on an SSD)."""
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("ALTER DATABASE {} SET random_page_cost = 1.1").format(sql.Identifier(name)))


def tidy():
    """VACUUM (ANALYZE) the benchmark database, as autovacuum keeps production's: the imports and onboarding it
    measured were rolled back and leave dead rows behind, which a later run's pages would otherwise read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
