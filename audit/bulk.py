"""Bulk writes with their history: every row written in bulk still gets its history row naming the acting user
and the reason (DESIGN §5: bulk work writes in bulk, history kept).

On PostgreSQL the rows and their history rows are written with COPY, primary keys reserved from the tables'
sequences first: an import of 10,000 pupils writes about 60,000 rows, and Django's multi-row INSERT spends
most of that time building and binding one parameter per cell, which COPY streams instead. Elsewhere (the
embedded SQLite default) simple-history's `bulk_create_with_history` does the same job. Either way the rows
are written inside the caller's transaction, and a unique-constraint violation is Django's IntegrityError.
"""

from operator import attrgetter

from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from audit.history import history_user


def create_with_history(objects, model, *, actor, reason, batch_size=1000):
    """Save the unsaved `objects` of `model` and one history row ("+") for each, dated now and naming `actor`
    (when None: whom `acting_as` names, else the system account, as for one row) and `reason`. Returns the
    objects with their primary keys set, in order. `batch_size` is for the INSERT path; COPY streams them all."""
    objects = list(objects)
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return bulk_create_with_history(
            objects, model, batch_size=batch_size, default_user=actor, default_change_reason=reason
        )
    if not objects:
        return objects
    fields = model._meta.concrete_fields
    values = [_value_of(field, connection) for field in fields]
    rows = []
    for obj, pk in zip(objects, _reserve_keys(connection, model, len(objects)), strict=True):
        setattr(obj, model._meta.pk.attname, pk)
        obj._state.adding, obj._state.db = False, connection.alias
        rows.append([value(obj) for value in values])
    _copy(connection, model, [field.column for field in fields], rows)

    history = get_history_manager_for_model(model).model
    position = {field.attname: n for n, field in enumerate(fields)}
    tracked = [position[field.attname] for field in history.tracked_fields]
    stamp = {
        "history_date": history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection),
        "history_user": (actor or history_user()).pk,
        "history_change_reason": reason or "",
        "history_type": "+",
    }
    columns = [history._meta.pk.column, *(fields[n].column for n in tracked)]
    columns += [history._meta.get_field(name).column for name in stamp]
    history_rows = (
        [history_pk, *(row[n] for n in tracked), *stamp.values()]
        for history_pk, row in zip(_reserve_keys(connection, history, len(rows)), rows, strict=True)
    )
    _copy(connection, history, columns, history_rows)
    return objects


# Fields whose value goes to COPY as the attribute holds it: no pre_save of their own (auto_now and the like)
# and nothing for the database to adapt (a text, a number, a yes/no). Reading them straight is a third of the
# bulk write's Python (some 200,000 pre_save and get_db_prep_save calls for 10,000 pupils); every other field
# (dates with auto_now, date-times, JSON) goes through Django's pre_save and get_db_prep_save.
AS_STORED = (
    models.CharField, models.TextField, models.BooleanField, models.SmallIntegerField, models.IntegerField,
    models.BigIntegerField, models.PositiveSmallIntegerField, models.PositiveIntegerField, models.AutoField,
    models.BigAutoField,
)  # fmt: skip


def _value_of(field, connection):
    """A function of an object giving `field`'s value as stored (see AS_STORED)."""
    stored = field.target_field if isinstance(field, models.ForeignKey) else field
    if type(stored) in AS_STORED or (type(field) is models.DateField and not (field.auto_now or field.auto_now_add)):
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _reserve_keys(connection, model, count):
    """`count` new primary keys of `model`'s table, taken from its sequence (so nobody else gets them)."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [value for (value,) in cursor.fetchall()]


def _copy(connection, model, columns, rows):
    quote = connection.ops.quote_name
    statement = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
