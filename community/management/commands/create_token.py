"""`manage.py create_token <e-mail or username> --scopes read,write`: prints a new API token.

For scripts, CI and first set-up; members create theirs under Your profile → API tokens. The
same rules apply as on the page (only staff get the staff scope or integration tokens).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from community.models import Member, Team
from community.rules import NotAllowed
from community.tokens import Kind, Scope, create_token


class Command(BaseCommand):
    help = "Create an API token for a member and print its secret (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="The member's e-mail address or username.")
        parser.add_argument("--scopes", default="read", help="Comma-separated: read, write, staff.")
        parser.add_argument("--name", default="Command-line token")
        parser.add_argument("--integration", action="store_true", help="An integration token (staff only).")
        parser.add_argument("--teams", default="", help="Comma-separated team slugs to limit the token to.")
        parser.add_argument("--days", type=int, default=None, help="Expire after this many days.")

    def handle(self, *args, user, scopes, name, integration, teams, days, **options):
        member = Member.objects.filter(Q(email__iexact=user) | Q(username=user)).first()
        if member is None:
            raise CommandError(f"There is no member {user!r}.")
        wanted = [s.strip() for s in scopes.split(",") if s.strip()]
        unknown = set(wanted) - set(Scope.values)
        if unknown:
            raise CommandError(f"Unknown scopes: {', '.join(sorted(unknown))} (use {', '.join(Scope.values)}).")
        slugs = [s.strip() for s in teams.split(",") if s.strip()]
        team_rows = list(Team.objects.filter(slug__in=slugs))
        if len(team_rows) != len(set(slugs)):
            raise CommandError("Some of those teams do not exist.")
        try:
            _token, secret = create_token(
                by=member, name=name, scopes=wanted, teams=team_rows, expires_in_days=days,
                kind=Kind.INTEGRATION if integration else Kind.PERSONAL,
            )
        except NotAllowed as refusal:
            raise CommandError(str(refusal))
        self.stdout.write(secret)
