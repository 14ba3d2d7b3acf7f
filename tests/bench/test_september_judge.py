"""The September rush's verdict (bench/september.py `judge`): only the logins and approvals answered while the
big import was in flight count, their p95 must be under a second and none may have failed."""

from bench.september import judge


def _timings(tmp_path, lines):
    path = tmp_path / "judged.tsv"
    path.write_text("".join(f"{ended}\t{name}\t{ms}\t{failed}\n" for ended, name, ms, failed in lines))
    return path


def test_answers_inside_the_import_pass_and_those_outside_do_not_count(tmp_path, capsys):
    lines = [(105 + n, "POST login", 300 + n, 0) for n in range(20)] + [(110, "POST approve", 200, 0)]
    lines += [(50, "POST login", 9000, 1), (500, "POST approve", 9000, 0)]  # before the upload, after the commit
    assert judge(_timings(tmp_path, lines), (100, 200)) == 0  # p95 of 20: the 19th (nearest rank)
    out = capsys.readouterr().out
    assert "PASS POST login while the big import ran (100 s): 20 answered, p50 310 ms, p95 318 ms, max 319 ms" in out
    assert "PASS POST approve while the big import ran (100 s): 1 answered" in out


def test_a_slow_twentieth_or_one_error_fails(tmp_path, capsys):
    slow = [(150, "POST login", 300, 0)] * 18 + [(150, "POST login", 1000, 0), (150, "POST login", 1000, 0)]
    approvals = [(150, "POST approve", 200, 0), (151, "POST approve", 200, 1)]
    assert judge(_timings(tmp_path, slow + approvals), (100, 200)) == 1
    out = capsys.readouterr().out
    assert "FAIL POST login while the big import ran (100 s): 20 answered, p50 300 ms, p95 1000 ms" in out
    assert "FAIL POST approve" in out and "1 failed" in out


def test_nothing_to_judge_is_a_failure(tmp_path, capsys):
    assert judge(_timings(tmp_path, [(150, "POST login", 300, 0)]), None) == 1
    assert judge(_timings(tmp_path, [(150, "POST login", 300, 0)]), (100, 200)) == 1  # no approval answered
    assert "FAIL POST approve: none answered while the big import ran" in capsys.readouterr().out
