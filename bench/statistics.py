"""The statistics pages over the benchmark county (issue 14: "held, keep"): the town's page as of today and
as of a past day, one school's page — each against 3× its raw SQL; the Excel export of every table and the
semester summary PDF are reported without a goal. Run by bench/run.py."""

from django.test import Client
from django.urls import reverse

from bench.measure import page

PAST = "2026-10-15"


def run(county, *, repeat):
    officer = Client(HTTP_HOST="localhost")
    officer.force_login(county.officer)
    town = county.town
    town_page = reverse("authority_statistics", args=[town.pk])
    return [
        page("statistics: the town, today", officer, town_page, repeat=repeat).judge(ratio=3),
        page(f"statistics: the town, as of {PAST}", officer, town_page, {"on": PAST}, repeat=repeat).judge(ratio=3),
        page(
            "statistics: one school", officer, reverse("school_statistics", args=[county.school.code]), repeat=repeat
        ).judge(ratio=3),  # fmt: skip
        page(
            "statistics: Excel of every table",
            officer,
            reverse("authority_statistics_export", args=[town.pk, "all"]),
            repeat=repeat,
        ),  # fmt: skip
        page(
            "statistics: semester summary PDF",
            officer,
            reverse("authority_statistics_pdf", args=[town.pk]),
            repeat=repeat,
        ),  # fmt: skip
    ]
