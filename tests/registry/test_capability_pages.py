"""What each role is offered on the pages whose buttons the {% can %} tag decides: the school page's status
changes (registrar) and graduations (town officer), the class's print (archivist), the pupil's status
changes (registrar) and audit link (officer), the roll reconciliation's start (registrar) and receipt
(officer)."""

from django.urls import reverse

from tests.permission_matrix import _signed_roll_check


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_school_page_offers_each_role_its_own_actions(client, world):
    url = reverse("school_detail", args=[world.school_a.code])
    transfer_in = reverse("incoming_new", args=[world.school_a.code, "transfer"])
    graduation = reverse("graduation", args=[world.school_a.code])
    assert transfer_in in _page(client, world.users["registrar"], url)
    page = _page(client, world.users["officer"], url)
    assert graduation in page and transfer_in not in page
    page = _page(client, world.users["headteacher"], url)
    assert graduation not in page and transfer_in not in page


def test_only_the_archivist_is_offered_the_class_print(client, world):
    url = reverse("class_detail", args=[world.school_a.code, world.class_a.pk])
    print_class = reverse("print_class", args=[world.school_a.code, world.class_a.pk])
    assert print_class in _page(client, world.users["archivist"], url)
    assert print_class not in _page(client, world.users["registrar"], url)


def test_the_pupil_page_offers_changes_to_the_registrar_and_the_audit_to_the_officer(client, world):
    pupil = world.pupils["own"]
    url = reverse("pupil_detail", args=[pupil.pk])
    suspension = reverse("change_new", args=[pupil.pk, "suspension"])
    page = _page(client, world.users["registrar"], url)
    assert suspension in page and 'data-testid="pupil-audit-link"' not in page
    page = _page(client, world.users["officer"], url)
    assert suspension not in page and 'data-testid="pupil-audit-link"' in page


def test_the_roll_reconciliation_offers_receipt_to_the_town_office_only(client, world):
    check = _signed_roll_check(world, "own")
    url = reverse("roll_check", args=[world.school_a.code, check.semester_id])
    assert 'value="receive"' in _page(client, world.users["officer"], url)
    assert 'value="receive"' not in _page(client, world.users["headteacher"], url)
    assert 'value="receive"' not in _page(client, world.users["administrator"], url)
