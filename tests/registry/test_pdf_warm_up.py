"""A worker warms WeasyPrint up when it starts (registry.pdf.warm_up), so its first paper is not the slow one."""

from registry import pdf
from registry.celery import load_pdf_fonts


def test_the_warm_up_lays_out_every_paper_and_keeps_the_fonts_for_the_next(db):
    pdf.warm_up()  # raises if a paper's template cannot be laid out
    fonts = pdf.font_configuration()
    assert pdf.layout_html("<p>学籍</p>").pages and pdf.font_configuration() is fonts


def test_a_worker_process_warms_up_when_it_starts(db, monkeypatch):
    calls = []
    monkeypatch.setattr(pdf, "warm_up", lambda: calls.append("warm"))
    from celery.signals import worker_process_init

    worker_process_init.send(sender=None)
    assert calls == ["warm"] and load_pdf_fonts
