"""The kind registry (DESIGN §3): every kind of change request registers itself here, and the engine, the
URLs, the start menus, the request page and the archive's filing read it — nothing outside a kind branches
on a kind's code. Kind modules live in this package and are loaded by `TransfersConfig.ready`; adding a kind
is one module here (plus a template if it wants its own details block)."""

from transfers.kind_registry import KINDS, KindCodes, kind_choices, kind_of, register, unregister
from transfers.kinds.base import ChangeKind, ChangeRefused, Party

__all__ = [
    "KINDS", "ChangeKind", "ChangeRefused", "KindCodes", "Party", "kind_choices", "kind_of", "register", "unregister",
]  # fmt: skip
