"""Print a Schemathesis config that points path ids at demo rows the token's member may see, so
the contract check reaches the endpoints' logic and not only their 404s. Run through
`manage.py shell` by scripts/api-contract.sh; a kind of row it cannot find is simply left out
(ids are then generated, and mostly answer 404, which the schema also documents)."""

import os

from community.models import Member

member = Member.objects.get(email=os.environ.get("CONTRACT_MEMBER", "kari0@example.com"))


def first(label, query):
    try:
        return query()
    except Exception as exc:  # the demo changed: test without this id
        print(f"# no {label}: {exc}".replace("\n", " "))
        return None


def board():
    from ideas.pages import IdeaBoardPage

    return IdeaBoardPage.objects.live().public().order_by("pk").values_list("pk", flat=True).first()


def idea():
    from ideas.models import Idea

    return Idea.objects.visible_to(member).exclude(author=member).order_by("pk").values_list("pk", flat=True).first()


def poll():
    from ideas.polls.pages import PollPage

    return PollPage.objects.live().public().order_by("pk").values_list("pk", flat=True).first()


def thread():
    from feedback.models import Thread

    return Thread.objects.filter(author=member).order_by("pk").values_list("pk", "programme_id").first()


def item():
    from feedback.models import FeedbackItem

    return FeedbackItem.objects.filter(author=member).order_by("pk").values_list("pk", flat=True).first()


found = {
    r"^/api/v1/boards/\\{board_id\\}/": ("board_id", first("board", board)),
    r"^/api/v1/ideas/\\{id\\}/": ("id", first("idea", idea)),
    r"^/api/v1/polls/\\{id\\}/": ("id", first("poll", poll)),
    r"^/api/v1/feedback/\\{id\\}/": ("id", first("feedback item", item)),
}
pair = first("thread", thread)
if pair:
    found[r"^/api/v1/beta-threads/\\{id\\}/"] = ("id", pair[0])
    found[r"^/api/v1/betas/\\{id\\}/"] = ("id", pair[1])
for regex, (name, value) in found.items():
    if value:
        print(f'[[operations]]\ninclude-path-regex = "{regex}"\nparameters = {{ "path.{name}" = {value} }}\n')
