"""What a kind of change request is: its approval chain, its validation, its effect (DESIGN §3)."""

from dataclasses import dataclass


class ChangeRefused(Exception):
    """A domain rule refuses the change; the message says which rule, in the user's language."""


@dataclass(frozen=True)
class Party:
    """Who decides one step: a school or an authority."""

    school: object = None
    authority: object = None


class ChangeKind:
    """One workflow. Subclasses set `code` and `deadline_working_days` and implement the three hooks.

    `required_evidence`: the Evidence kinds that must be attached when the request is started;
    `four_copy_form`: the kind prints the four-copy transfer form (转学联系单) when started and approved."""

    code: str
    deadline_working_days: int
    required_evidence: tuple = ()
    four_copy_form = False

    def chain(self, request) -> list[Party]:
        """The parties that must approve, in order, computed when the request is submitted."""
        raise NotImplementedError

    def validate(self, request) -> None:
        """Raise ChangeRefused when the rules of this kind forbid the change (checked again on approval)."""

    def apply(self, request, *, actor) -> None:
        """The effect of the final approval, run inside the approving transaction."""
        raise NotImplementedError

    def details(self, request) -> list[tuple[str, str]]:
        """(label, value) pairs describing the request's payload for its page and its printed forms."""
        return []


def town_office_of(school):
    """The one-step chain of most kinds: the school's town office approves (镇制度 四)."""
    return [Party(authority=school.authority)]
