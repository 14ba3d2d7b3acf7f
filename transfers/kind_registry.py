"""The kind registry (DESIGN §3): every kind of change request registers itself here, and the engine, the
URLs, the start menus, the request page and the archive's filing read it — nothing outside a kind branches
on a kind's code. It imports nothing of the app, so the models (the kind field's choices) and the four-copy
form can read it while the kinds (transfers.kinds) import them."""

KINDS: dict = {}  # code -> transfers.kinds.base.ChangeKind


def register(kind_class):
    """Class decorator: register one instance of the kind under its code, in `position` order."""
    kind = kind_class()
    KINDS[kind.code] = kind
    ordered = sorted(KINDS.values(), key=lambda each: (each.position, each.code))
    KINDS.clear()
    KINDS.update((each.code, each) for each in ordered)
    return kind_class


def unregister(code):
    """Remove a kind (tests register a kind of their own and remove it afterwards)."""
    KINDS.pop(code, None)


def kind_of(request):
    return KINDS[request.kind]


def kind_choices():
    """The `ChangeRequest.kind` field's choices: every registered kind, in order."""
    return [(kind.code, kind.label) for kind in KINDS.values()]


class KindCodes:
    """`ChangeRequest.Kind`: the registered kinds' codes by name (`Kind.TRANSFER == "transfer"`), a kind by
    its code (`Kind("transfer").label`) and every code in order (`Kind.values`), all read from the registry."""

    def __getattr__(self, name):
        if name.lower() in KINDS:
            return name.lower()
        raise AttributeError(name)

    def __call__(self, code):
        return KINDS[code]

    @property
    def values(self):
        return list(KINDS)

    @property
    def choices(self):
        return kind_choices()
