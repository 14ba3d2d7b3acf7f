"""The September rush as Locust users (run by bench/september.py, which prepares the accounts and the data and
starts the servers): 60 registrars of the first town's ten schools entering new pupils, importing a class
file and searching; its 2 officers working through the approval queue and a third (one of their accounts)
approving without a pause; the archivist of its first school
printing a class; two of them logging out and in again all the time (the logins measured while the big import
runs); and the registrar of another town's school uploading the big file (BENCH_BIG_FILE, 10,000 rows) once,
BENCH_BIG_AFTER seconds after starting, then following its job until it has committed. Every account's password
is BENCH_PASSWORD; the names come from the environment.

BENCH_PACE sets how long registrars and officers think between two actions: "busy" (10–30 s: a registrar at
full speed in September — a pupil's 30-field form typed in a minute or so, the list and a search between two)
or "stress" (2–6 s: every user five times as fast as anyone types; for how much the machine holds, not for the
goal). Each login and approval is written to BENCH_TIMINGS (time, name, ms, failed) so that bench/september.py
can judge those answered while the big import was running.

    locust -f bench/locustfile.py --host http://127.0.0.1:8151 --headless -u 67 -r 10 -t 2m
"""

import itertools
import os
import re
import time
from datetime import date, timedelta

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-0")
REGISTRARS = os.environ.get("BENCH_REGISTRARS", "").split(",")  # username:school_code:class_pk
OFFICERS = os.environ.get("BENCH_OFFICERS", "").split(",")
ARCHIVIST = os.environ.get("BENCH_ARCHIVIST", "")  # username:school_code:class_pk
IMPORT_FILE = os.environ.get("BENCH_IMPORT_FILE", "")
BIG_IMPORTER = os.environ.get("BENCH_BIG_IMPORTER", "")  # username:school_code; empty: no big import
BIG_FILE = os.environ.get("BENCH_BIG_FILE", "")
BIG_AFTER = float(os.environ.get("BENCH_BIG_AFTER", "45"))  # seconds: once the others have all logged in
_registrars, _officers = itertools.cycle(REGISTRARS), itertools.cycle(OFFICERS)
_pupils = itertools.count(1)
JOB = re.compile(r"/imports/(\d+)/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REQUEST_LINK = re.compile(r'href="/requests/(\d+)/[?"]')  # the queue's links carry its filters
REGION = os.environ.get("BENCH_REGION", "459999")  # a region code of this run's own, so reruns do not collide
PACES = {"busy": (10, 30), "stress": (2, 6)}
THINK = between(*PACES[os.environ.get("BENCH_PACE", "busy")])
TIMINGS = os.environ.get("BENCH_TIMINGS", "")
JUDGED = ("POST login", "POST approve")


@events.request.add_listener
def _record_judged(name, response_time, exception, response=None, **kwargs):
    """Logins and approvals, each with when it ended, whether it failed (an exception or a 4xx/5xx answer)."""
    if TIMINGS and name in JUDGED:
        failed = exception is not None or (response is not None and response.status_code >= 400)
        with open(TIMINGS, "a") as out:
            out.write(f"{time.time():.3f}\t{name}\t{response_time:.0f}\t{int(failed)}\n")


def _id_number(birth, sequence, sex):
    """A valid ID number (GB 11643 check digit) in this run's own region code."""
    body = f"{REGION}{birth:%Y%m%d}{sequence % 1000:03d}"
    if int(body[-1]) % 2 != (1 if sex == "1" else 0):
        body = body[:-1] + str((int(body[-1]) + 1) % 10)
    total = sum(int(digit) * (2 ** (17 - position) % 11) for position, digit in enumerate(body))
    return body + "10X98765432"[total % 11]


class _Staff(HttpUser):
    abstract = True
    wait_time = THINK

    def log_in(self, username):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post("/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                         name="POST login", headers={"Referer": self.host + "/accounts/login/"})  # fmt: skip

    def post_form(self, url, data, *, name, files=None):
        page = self.client.get(url, name=f"{name} (form)")
        token = CSRF.search(page.text)
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        return self.client.post(url, data, files=files, name=f"POST {name}", headers={"Referer": self.host + url})


class Registrar(_Staff):
    fixed_count = 60

    def on_start(self):
        self.username, self.school, self.school_class = next(_registrars).split(":")
        self.log_in(self.username)

    @task(5)
    def pupil_list(self):
        self.client.get("/pupils/", name="pupil list")

    @task(3)
    def search(self):
        self.client.get("/pupils/", params={"q": "王"}, name="pupil search")

    @task(4)
    def enter_a_pupil(self):
        number = next(_pupils)
        sex = "1" if number % 2 else "2"
        birth = date(2019, 9, 1) + timedelta(days=number % 360)
        data = {
            "name": f"压测{number}", "sex": sex, "birth_date": birth.isoformat(), "id_type": "1",
            "id_number": _id_number(birth, 500 + number // 360 * 2, sex), "ethnicity": "01", "nationality": "CHN",
            "overseas_status": "00", "birthplace": "示范县", "native_place": "示范县", "household_place": "示范县",
            "household_type": "1", "home_address": "示范县幸福路 18 号", "phone": "13812340000", "health": "10",
            "left_behind": "0", "preschool": "on", "entry_date": "2026-09-01", "entry_method": "11", "boarding": "1",
            "school_class": self.school_class, "guardians-TOTAL_FORMS": "2", "guardians-INITIAL_FORMS": "0",
            "guardians-MIN_NUM_FORMS": "2", "guardians-MAX_NUM_FORMS": "1000",
            "guardians-0-name": "林大山", "guardians-0-relation": "51", "guardians-0-phone": "13900000001",
            "guardians-1-name": "陈秀英", "guardians-1-relation": "52", "guardians-1-phone": "13900000002",
        }  # fmt: skip
        self.post_form(f"/schools/{self.school}/registrations/new/", data, name="new pupil")

    @task(1)
    def import_a_class(self):
        if not IMPORT_FILE:
            return
        with open(IMPORT_FILE, "rb") as handle:
            self.post_form(f"/schools/{self.school}/registrations/import/", {}, name="import",
                           files={"file": ("class.xlsx", handle.read())})  # fmt: skip


class BigImporter(_Staff):
    """Uploads the big file once, BENCH_BIG_AFTER seconds after it started (when the morning's logins are over and
    everyone is at work), then follows its job page (as the registrar's browser polls it)."""

    fixed_count = 1
    wait_time = between(5, 5)

    def on_start(self):
        self.job = None
        self.upload_at = time.monotonic() + BIG_AFTER
        if BIG_IMPORTER:
            self.username, self.school = BIG_IMPORTER.split(":")
            self.log_in(self.username)

    @task
    def upload_then_follow(self):
        if not BIG_IMPORTER:
            return
        if self.job is None and time.monotonic() < self.upload_at:
            return
        if self.job is None:
            with open(BIG_FILE, "rb") as handle:
                answer = self.post_form(f"/schools/{self.school}/registrations/import/", {}, name="big import",
                                        files={"file": ("big.xlsx", handle.read())})  # fmt: skip
            found = JOB.search(answer.url)
            self.job = found.group(1) if found else ""
        elif self.job:
            self.client.get(f"/imports/{self.job}/", name="big import job page")


class Returning(_Staff):
    """Staff who log out and in again all the time: the logins measured while the big import commits."""

    fixed_count = 2
    wait_time = between(1, 3)

    def on_start(self):
        self.username = next(_registrars).split(":")[0]
        self.log_in(self.username)

    @task
    def log_out_and_in(self):
        home = self.client.get("/", name="home")
        token = CSRF.search(home.text)
        self.client.post("/accounts/logout/", {"csrfmiddlewaretoken": token.group(1) if token else ""},
                         name="POST logout", headers={"Referer": self.host + "/"})  # fmt: skip
        self.log_in(self.username)


class _Deciding(_Staff):
    """An officer of the first town, approving from the middle of the approval queue."""

    abstract = True

    def on_start(self):
        self.log_in(next(_officers))

    def approve_one(self):
        page = self.client.get("/requests/", name="approval queue")
        found = REQUEST_LINK.findall(page.text)
        if found:
            pk = found[len(found) // 2]
            page = self.client.get(f"/requests/{pk}/", name="request page")
            token = CSRF.search(page.text)
            if token:
                data = {"comment": "同意", "confirmed": "1", "csrfmiddlewaretoken": token.group(1)}  # the dialog's yes
                self.client.post(f"/requests/{pk}/approve/", data,
                                 name="POST approve", headers={"Referer": f"{self.host}/requests/{pk}/"})  # fmt: skip


class Officer(_Deciding):
    fixed_count = 2

    @task(3)
    def queue(self):
        self.approve_one()

    @task(1)
    def audit(self):
        self.client.get("/audit/", name="audit log")


class ClearingOfficer(_Deciding):
    """An officer working through the queue without a pause (an approval every few seconds, as on the day before
    a deadline): the approvals measured while the big import commits, which takes seconds — the two officers
    above, thinking 10–30 s between actions, may approve nothing in that time."""

    fixed_count = 1
    wait_time = between(1, 3)

    @task
    def queue(self):
        self.approve_one()


class Archivist(_Staff):
    fixed_count = 1
    wait_time = between(20, 30)

    def on_start(self):
        self.username, self.school, self.school_class = ARCHIVIST.split(":")
        self.log_in(self.username)

    @task(3)
    def archive_list(self):
        self.client.get("/archives/", name="archive list")

    @task(1)
    def print_class(self):
        self.post_form(f"/schools/{self.school}/classes/{self.school_class}/print/", {"reason": "学期归档"},
                       name="print a class")  # fmt: skip
