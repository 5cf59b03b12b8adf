"""Touchpoint submissions and a 10,000-thread programme: server time and queries.

    .venv/bin/python bench/feedback.py                     # SQLite bench database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench .venv/bin/python bench/feedback.py

Seeds (once) a beta programme with --threads threads (default 10,000, bulk-created with their
feedback items and tags) and an "Invoice" touchpoint, then times:

- a touchpoint submission through the whole Django stack (test Client POST with an allowed
  Origin: CORS, rate limits in the cache, JSON, the service, rule tagging in the comment's
  language), with and without a Danish comment and with a signed customer reference;
- the same submission at the domain layer (services.submit_answer);
- the programme page (page 1 and page 200) and the API listing for a member.

Rate limits are raised for the run (a bench is one client sending thousands of answers).
Answers made by the bench are deleted at the end.
"""

import argparse
import json

import benchenv


def seed(threads: int):
    from django.utils import timezone
    from wagtail.models import Page

    from community.models import Member
    from feedback.models import FeedbackItem, ItemTag, Membership, Tag, Thread, Touchpoint
    from feedback.pages import BetaProgramPage

    slug = f"bench-beta-{threads}"
    programme = BetaProgramPage.objects.filter(slug=slug).first()
    member = Member.objects.filter(username="bench-feedback").first() or Member.objects.create_user(
        username="bench-feedback", email="bench-feedback@example.com", password="x")
    if programme is None:
        root = Page.get_first_root_node()
        parent = root.get_children().first() or root
        programme = parent.add_child(instance=BetaProgramPage(title=f"Bench beta {threads}", slug=slug,
                                                              enrolment="open"))
        Membership.objects.get_or_create(programme=programme, member=member, defaults={"state": "active"})
        now = timezone.now()
        made = Thread.objects.bulk_create([
            Thread(programme=programme, author=member, kind=("bug", "idea", "question", "praise")[i % 4],
                   title=f"Bench thread {i}", body_html="<p>The guide is slow.</p>", created_at=now,
                   last_activity_at=now) for i in range(threads)], batch_size=2000)
        items = FeedbackItem.objects.bulk_create([
            FeedbackItem(source="beta", thread=t, programme=programme, author=member, title=t.title) for t in made
        ], batch_size=2000)
        tags = list(Tag.objects.all()[:2])
        ItemTag.objects.bulk_create([ItemTag(item=i, tag=t) for i in items for t in tags], batch_size=4000)
    touchpoint, _ = Touchpoint.objects.get_or_create(
        slug="bench-invoice", defaults={"name": "Bench invoice", "allowed_origins": "https://minside.example.com"})
    return programme, member, touchpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    benchenv.setup()

    from django.test import Client
    from django.urls import reverse

    from feedback import public, services
    from feedback.models import CustomerNumber, FeedbackItem, TouchpointAnswer

    public.PER_KEY_PER_MINUTE = public.PER_CLIENT_PER_MINUTE = public.PER_CLIENT_PER_DAY = 10**9
    programme, member, touchpoint = seed(args.threads)
    CustomerNumber.objects.get_or_create(number="bench-100200", defaults={"member": member})
    first_answer = TouchpointAnswer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client = Client()
    url = reverse("touchpoint_answer", args=[touchpoint.public_key])
    origin = "https://minside.example.com"
    comment = {"score": 4, "comment": "Fakturaen kom alt for sent, og jeg forstår ikke gebyret.", "language": "da"}
    signed = {"score": 9, "reference": "bench-100200",
              "signature": services.sign_reference(touchpoint, "bench-100200"), "language": "nb"}

    def post(body):
        def run():
            response = client.post(url, json.dumps(body), content_type="application/json", HTTP_ORIGIN=origin)
            assert response.status_code == 201, response.content
        return run

    print(benchenv.describe())
    benchenv.print_header("Touchpoint submission (server time, whole stack)")
    for name, body in [("score only", {"score": 8}), ("score + Danish comment", comment),
                       ("score + signed reference", signed)]:
        benchenv.print_row(f"POST {name}", benchenv.measure(post(body), iterations=args.iterations))
    benchenv.print_row("GET words (widget start)", benchenv.measure(
        lambda: client.get(url, {"lang": "da"}, HTTP_ORIGIN=origin), iterations=args.iterations))

    benchenv.print_header("Touchpoint submission (domain layer)")
    benchenv.print_row("services.submit_answer + comment", benchenv.measure(
        lambda: services.submit_answer(touchpoint=touchpoint, score=4, comment=comment["comment"], language="da"),
        iterations=args.iterations))

    benchenv.print_header(f"Programme with {args.threads:,} threads (member)")
    client.force_login(member)
    listing = reverse("api_beta_threads", args=[programme.pk])
    benchenv.print_row("programme page 1", benchenv.measure(lambda: client.get(programme.url), iterations=50))
    benchenv.print_row("programme page 200", benchenv.measure(
        lambda: client.get(programme.url, {"page": 200}), iterations=50))
    benchenv.print_row("programme page kind=bug", benchenv.measure(
        lambda: client.get(programme.url, {"kind": "bug"}), iterations=50))
    benchenv.print_row("API listing page 3", benchenv.measure(lambda: client.get(listing, {"page": 3}), iterations=50))

    made = TouchpointAnswer.objects.filter(pk__gt=first_answer)
    FeedbackItem.objects.filter(answer__in=made).delete()
    made.delete()


if __name__ == "__main__":
    main()
