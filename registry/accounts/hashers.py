"""How passwords are stored: Argon2id with OWASP's password-storage parameters (Password Storage Cheat Sheet:
19 MiB of memory, 2 passes, 1 lane).

Django's default, PBKDF2-SHA256 at 1,000,000 iterations, costs 0.37 s of a core per login on this project's
2-core machine, so sixty registrars signing in at 08:00 queue behind each other (and behind a September import);
Argon2id at these parameters costs 31 ms and, being memory-hard, is the stronger of the two against guessing on
graphics cards. Hashes stored under another hasher (PBKDF2 from before, or Argon2 with other parameters) still
verify and are rewritten with these parameters at the user's next successful login (Django's `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
