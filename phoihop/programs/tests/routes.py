"""Routes of the programs app for the authorization matrix.

The programs here are made by the world-independent factory on first use per world
(`_program(world)`): a draft of the world's committee (parties A and B, two contents).
"""

from phoihop.core.testing.routes import Route, outcomes

MEMBERS = outcomes(200, anonymous="login", other_secretariat=404)
SECRETARIAT_CHANGES = outcomes(
    403, anonymous="login", other_secretariat=404, secretariat=200, admin=200
)
# Writes answer with a redirect back to the page (the service's refusal as a message).
SECRETARIAT_POSTS = outcomes(
    403, anonymous="login", other_secretariat=404, secretariat="redirect", admin="redirect"
)
SECRETARIATS = outcomes(403, anonymous="login", secretariat=200, admin=200, other_secretariat=200)


def _program(world):
    from phoihop.programs.models import Program
    from phoihop.programs.tests.factories import make_program

    found = Program.objects.filter(committee=world.committee, year=2023).first()
    return found or make_program(world, year=2023)


def _content(world):
    return _program(world).contents.order_by("order", "id").first()


def _indicator(world):
    return _content(world).indicators.order_by("order", "id").first()


def _party(world):
    return _program(world).parties.order_by("order", "id").first()


def _signature(world):
    """A signature in a program being signed (2024): party A signed by the secretariat."""
    import datetime

    from django.utils import timezone

    from phoihop.programs import services
    from phoihop.programs.models import Program, Signature
    from phoihop.programs.tests.factories import make_program

    program = Program.objects.filter(committee=world.committee, year=2024).first()
    if program is None:
        program = make_program(world, year=2024)
        services.program_send_for_signing(actor=world.user("secretariat"), program=program)
    found = Signature.objects.filter(party__program=program).first()
    if found is not None:
        return found
    party = program.parties.order_by("order").first()
    return services.program_sign(
        actor=world.user("secretariat"),
        party=party,
        signer_name="Nguyễn Văn Thử",
        signer_title="Chỉ huy trưởng",
        signed_at=timezone.now() - datetime.timedelta(hours=1),
    )


ROUTES: dict = {
    "programs:list": Route(expect=outcomes(200, anonymous="login")),
    "programs:create": Route(expect=SECRETARIATS),
    "programs:clone": Route(expect=SECRETARIATS),
    "programs:detail": Route(kwargs=lambda w: {"pk": _program(w).pk}, expect=MEMBERS),
    "programs:document": Route(kwargs=lambda w: {"pk": _program(w).pk}, expect=MEMBERS),
    "programs:edit": Route(kwargs=lambda w: {"pk": _program(w).pk}, expect=SECRETARIAT_CHANGES),
    "programs:party_add": Route(
        kwargs=lambda w: {"pk": _program(w).pk}, expect=SECRETARIAT_CHANGES
    ),
    "programs:content_add": Route(
        kwargs=lambda w: {"pk": _program(w).pk}, expect=SECRETARIAT_CHANGES
    ),
    "programs:content_edit": Route(
        kwargs=lambda w: {"pk": _content(w).pk}, expect=SECRETARIAT_CHANGES
    ),
    "programs:indicator_add": Route(
        kwargs=lambda w: {"pk": _content(w).pk}, expect=SECRETARIAT_CHANGES
    ),
    "programs:indicator_edit": Route(
        kwargs=lambda w: {"pk": _indicator(w).pk}, expect=SECRETARIAT_CHANGES
    ),
    "programs:targets": Route(
        kwargs=lambda w: {"pk": _indicator(w).pk}, expect=SECRETARIAT_CHANGES
    ),
    # A draft cannot be published: the secretariat gets the refusal as a message.
    "programs:move": Route(
        method="post",
        kwargs=lambda w: {"pk": _program(w).pk, "move": "publish"},
        expect=SECRETARIAT_POSTS,
    ),
    # GET on the writes: only POST is accepted (after the sign-in check).
    "programs:trash": Route(
        kwargs=lambda w: {"pk": _program(w).pk}, expect=outcomes(405, anonymous="login")
    ),
    "programs:party_remove": Route(
        kwargs=lambda w: {"pk": _party(w).pk}, expect=outcomes(405, anonymous="login")
    ),
    "programs:content_delete": Route(
        kwargs=lambda w: {"pk": _content(w).pk}, expect=outcomes(405, anonymous="login")
    ),
    "programs:indicator_delete": Route(
        kwargs=lambda w: {"pk": _indicator(w).pk}, expect=outcomes(405, anonymous="login")
    ),
    # Party A (the military command) is signed by its leader or the secretariat.
    "programs:sign": Route(
        kwargs=lambda w: {"pk": _party(w).pk},
        expect=outcomes(
            403, anonymous="login", other_secretariat=404, leader=200, secretariat=200, admin=200
        ),
    ),
    # A signature without a scanned copy: nothing to download, for those who see it.
    "programs:signed_copy": Route(
        kwargs=lambda w: {"pk": _signature(w).pk},
        expect=outcomes(404, anonymous="login"),
    ),
}
