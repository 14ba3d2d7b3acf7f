"""Every kind of change request, by its code. Adding a kind means one class here (DESIGN §3)."""

from transfers.kinds.base import ChangeKind, ChangeRefused, Party
from transfers.kinds.guest_study import GuestStudy
from transfers.kinds.key_change import KeyChange
from transfers.kinds.leaving import Death, Graduation, Withdrawal
from transfers.kinds.registration import Registration
from transfers.kinds.suspension import Resumption, SuspensionKind
from transfers.kinds.transfer import Transfer, TransferInExternal, TransferOutExternal

KINDS: dict[str, ChangeKind] = {
    kind.code: kind
    for kind in (
        Registration(), Transfer(), TransferInExternal(), TransferOutExternal(), SuspensionKind(), Resumption(),
        Withdrawal(), Death(), GuestStudy(), KeyChange(), Graduation(),
    )
}  # fmt: skip

__all__ = ["KINDS", "ChangeKind", "ChangeRefused", "Party"]
