"""The town's list of what needs its approval in an information change (镇制度 五(三)).

Default (seed 000 五(三): name, sex, birth date, home address and the parents' information go to the town office;
DOMAIN Key fields): the key fields (name, sex, birth date, ID type and number, ethnicity — always, whatever the
town says), the home address, and who the family members are: their name, relation and ID number, and adding
or removing one. A family member's phone and employer are contact details the school keeps up to date
directly (with history), as are all other fields — a town may list them too. The town officer's page changes
the list through transfers.information.services.set_approval_fields."""

from transfers.kinds.information_change.fields import ALWAYS_APPROVED, MEMBERS, guardian_item
from transfers.models import InformationPolicy

DEFAULT_APPROVAL = frozenset(
    {*ALWAYS_APPROVED, "home_address", guardian_item("name"), guardian_item("relation"), guardian_item("id_number"),
     MEMBERS}
)  # fmt: skip


def approval_fields(authority) -> frozenset:
    """The items that need `authority`'s approval (its list, or the default), the key fields always."""
    policy = InformationPolicy.objects.filter(authority=authority).first()
    listed = DEFAULT_APPROVAL if policy is None else frozenset(policy.approval_items)
    return listed | frozenset(ALWAYS_APPROVED)
