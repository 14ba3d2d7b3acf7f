"""Every kind of change request, by its code. Adding a kind means one class here (DESIGN §3)."""

from transfers.kinds.base import ChangeKind, ChangeRefused, Party
from transfers.kinds.registration import Registration

KINDS: dict[str, ChangeKind] = {kind.code: kind for kind in (Registration(),)}

__all__ = ["KINDS", "ChangeKind", "ChangeRefused", "Party"]
