"""The pages of issue 14's table over the county: the approval queue, the pupil searches and list (first and
deep pages), the archive list of one school and the officer's audit log — each against its goal. The archive
list and the searches are also held to what their queries touch (shared buffers, from EXPLAIN): a cost that
grows with the school or with what is found, not with the town or the county, whatever the machine's load.

Beside each search, whose raw SQL takes a few milliseconds on its index, the same request with its template
left out (no goal): the middleware, the session, the user, the filters and the page's queries through the ORM, and no
HTML. When that alone is near 3× its raw SQL, what the page is over the goal is Django's own work per request,
not something a template or a query could still give back."""

import json
from unittest import mock

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from archives.queries import held_archives
from bench.measure import page
from students.models import EnrolmentSpell

DEEP_PAGE = 1000
SEARCH_BUFFERS = 5000


def run(county, *, repeat):
    officer, archivist = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    officer.force_login(county.officer)
    archivist.force_login(county.archivist)
    sample = EnrolmentSpell.objects.filter(school__authority=county.town).select_related("student").order_by("pk")
    sample = sample[sample.count() // 2].student
    pupils = reverse("pupil_list")
    results = [
        page("approval queue (officer, 50 rows)", officer, reverse("approval_queue"), repeat=repeat).judge(ratio=3)
    ]
    searches = (
        ("last 6 of the ID number", sample.id_number[-6:]), ("national number", sample.national_number),
        ("full name", sample.name), ("pinyin initials", sample.name_initials.split("|")[1]),
    )  # fmt: skip
    for label, query in searches:
        results.append(search(f"search: {label}", officer, pupils, query, repeat=repeat))
        with mock.patch("students.views.render", _without_template):
            results.append(page("  the same, its template left out", officer, pupils, {"q": query}, repeat=repeat))
    first = page("pupil list, page 1 (20 per page)", officer, pupils, {"per_page": 20}, repeat=repeat).judge(ratio=3)
    deep = page(
        f"pupil list, page {DEEP_PAGE:,} (20 per page)", officer, pupils, {"per_page": 20, "page": DEEP_PAGE},
        repeat=repeat,
    ).judge(check=lambda deep: deep.median <= 1.5 * first.median, goal="median ≤ 1.5 × page 1")  # fmt: skip
    results += [first, deep]
    archives = page("archive list, one school (archivist)", archivist, reverse("archive_list"), repeat=repeat)
    pupils_here = EnrolmentSpell.objects.filter(school=county.school, ended_on__isnull=True).count()
    blocks = buffers_read(held_archives(county.archivist)[:50])
    archives.note = f"its page query reads {blocks:,} buffers for a school of {pupils_here:,} pupils"
    results.append(
        archives.judge(
            ratio=3,
            check=lambda r: blocks <= 20 * pupils_here,
            goal="≤ 3× raw SQL and ≤ 20 buffers per pupil of the school",
        )
    )
    results.append(page("audit log (town officer)", officer, reverse("audit_search"), repeat=repeat).judge(ratio=3))
    return results


def search(label, client, url, query, *, repeat):
    """A search of the pupil list, held to 3× its raw SQL and to what its queries touch: a search on its
    index reads pages for what it finds; one that scans the town's registers reads some 80,000."""
    result = page(label, client, url, {"q": query}, repeat=repeat)
    blocks = page_buffers(result)
    result.note = f"its queries read {blocks:,} buffers"
    return result.judge(
        ratio=3, check=lambda r: blocks <= SEARCH_BUFFERS, goal=f"≤ 3× raw SQL and ≤ {SEARCH_BUFFERS:,} buffers"
    )


def _without_template(request, template_name, context):
    """The pupil list's response with no HTML: its page of rows read (as the template would), nothing rendered."""
    len(context["page"].object_list)
    return HttpResponse()


def buffers_read(queryset):
    """Shared buffers (hit or read) of the query's EXPLAIN ANALYZE: what it touches, whatever the machine's load."""
    return _buffers(*queryset.query.sql_with_params())


def page_buffers(result):
    """The shared buffers all the SELECT statements of a measured page touch (EXPLAIN ANALYZE of each)."""
    return sum(_buffers(sql) for sql in result.sql if sql.lstrip().upper().startswith(("SELECT", "WITH")))


def _buffers(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params or None)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]
