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
    """One workflow. Subclasses set `code` and `deadline_working_days` and implement the three hooks."""

    code: str
    deadline_working_days: int

    def chain(self, request) -> list[Party]:
        """The parties that must approve, in order, computed when the request is submitted."""
        raise NotImplementedError

    def validate(self, request) -> None:
        """Raise ChangeRefused when the rules of this kind forbid the change (checked again on approval)."""

    def apply(self, request, *, actor) -> None:
        """The effect of the final approval, run inside the approving transaction."""
        raise NotImplementedError
