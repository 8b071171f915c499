"""The editors' web app. Views validate, call one QuerySet method or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from claims.forms import (
    QUEUE_ORDERINGS,
    QUEUE_PAGE_SIZE,
    STORY_PAGE_SIZE,
    ArticleMoveForm,
    BulkVerdictForm,
    ClaimIdsForm,
    CorrectionForm,
    PasteForm,
    QueueFilterForm,
    QuickVerdictForm,
    StoryListForm,
    StoryMergeForm,
    StoryPageForm,
    StorySplitForm,
    StoryTitleForm,
    UploadForm,
    UrlForm,
    VerdictForm,
    queue_params,
    story_cursor_token,
)
from claims.models import Article, Claim, Story, TakeoverNotice
from claims.pagination import keyset_page
from claims.services import SubmissionError, article_submit, ingestion
from claims.services.dashboard import dashboard_figures
from claims.services.outage import UNREACHABLE_NOTICE
from claims.services.review import (
    EvidenceInput,
    EvidenceInvalid,
    StaleVersion,
    VersionUnknown,
    claim_correct,
    claims_assign,
    claims_identical,
    claims_related,
    claims_unassign,
    review_submit,
    reviews_submit_bulk,
    takeover_notices_dismiss,
)
from claims.services.story_editing import (
    StoryEditError,
    article_move,
    stories_merge,
    story_rename,
    story_split,
)
from claims.services.story_view import FIGURES_SHOWN, story_quantity_tables
from claims.templatetags.claims_tags import claim_rows

RECENT_ARTICLES = 8
MAX_NOTICES = 20
# The value of ``confirm`` once an editor has agreed to act on someone else's claim.
CONFIRMED = "yes"
# Stories offered as a destination when moving an article or merging.
NEARBY_STORIES = 30
# Articles a story page lists at a time.
STORY_ARTICLES_PAGE = 25


def editor_required(view):
    """Logged in (else the login page) and allowed to review claims (else 403)."""
    return login_required(permission_required("claims.review_claim", raise_exception=True)(view))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@editor_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("claims:claim_queue")


# --- Submitting -------------------------------------------------------------------


def _render_submit(request: HttpRequest, *, active: str = "text", status: int = 200, **forms):
    context = {
        "paste_form": forms.get("paste_form") or PasteForm(),
        "url_form": forms.get("url_form") or UrlForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "active": active,
        "recent": Article.objects.with_claim_counts()
        .select_related("source")
        .defer("body")
        .order_by("-created_at", "-id")[:RECENT_ARTICLES],
    }
    return render(request, "claims/article_submit.html", context, status=status)


def _submitted(request: HttpRequest, result) -> HttpResponse:
    article = result.article
    if result.created:
        article.refresh_from_db(fields=["send_failed_at"])
        if article.workers_unreachable:
            messages.warning(request, UNREACHABLE_NOTICE)
        else:
            messages.success(
                request, "Article submitted. Its claims appear below as they are found."
            )
    else:
        added = article.created_at.strftime("%-d %b %Y")
        messages.info(
            request, f"This article was already submitted on {added}: here it is, with its claims."
        )
    return redirect(article)


@editor_required
@require_GET
def article_submit_page(request: HttpRequest) -> HttpResponse:
    return _render_submit(request)


def _submit(request: HttpRequest, form, *, active: str, form_name: str, submit) -> HttpResponse:
    """Validate a submit form, hand its data to the service, and go to the article;
    on an error, show the form again with the input kept and the reason."""
    if form.is_valid():
        try:
            result = submit(form.cleaned_data)
        except SubmissionError as exc:
            form.add_error(None, str(exc))
        else:
            return _submitted(request, result)
    return _render_submit(request, active=active, status=400, **{form_name: form})


@editor_required
@require_POST
def article_submit_text(request: HttpRequest) -> HttpResponse:
    return _submit(
        request,
        PasteForm(request.POST),
        active="text",
        form_name="paste_form",
        submit=lambda data: article_submit(
            text=data["text"],
            title=data["title"],
            source=data["source"],
            origin=Article.Origin.PASTE,
            submitted_by=request.user,
        ),
    )


@editor_required
@require_POST
def article_submit_url(request: HttpRequest) -> HttpResponse:
    return _submit(
        request,
        UrlForm(request.POST),
        active="url",
        form_name="url_form",
        submit=lambda data: ingestion.article_submit_url(
            url=data["url"], source=data["source"], submitted_by=request.user
        ),
    )


@editor_required
@require_POST
def article_submit_upload(request: HttpRequest) -> HttpResponse:
    return _submit(
        request,
        UploadForm(request.POST, request.FILES),
        active="upload",
        form_name="upload_form",
        submit=lambda data: ingestion.article_submit_upload(
            uploaded_file=data["file"],
            title=data["title"],
            source=data["source"],
            submitted_by=request.user,
        ),
    )


# --- Articles ---------------------------------------------------------------------


def _article_context(article: Article) -> dict:
    claims = list(
        article.claims.select_related("reviewed_by", "assigned_to").order_by("start", "id")
    )
    return {"article": article, "claims": claims}


@editor_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("source", "submitted_by", "story"), pk=pk
    )
    return render(request, "claims/article_detail.html", _article_context(article))


@editor_required
@require_GET
def article_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled while extraction runs: a small progress partial, then the claims once done."""
    article = get_object_or_404(Article.objects.select_related("source"), pk=pk)
    if not article.is_done:
        return render(request, "claims/_article_progress.html", {"article": article})
    response = render(request, "claims/_article_live.html", _article_context(article))
    # Swap the whole live section (text with highlights and the claim list), not just
    # the progress bar that asked.
    response["HX-Retarget"] = "#article-live"
    response["HX-Reswap"] = "outerHTML"
    return response


# --- The queue --------------------------------------------------------------------


@editor_required
@require_GET
def claim_queue(request: HttpRequest) -> HttpResponse:
    params = queue_params(request.GET)
    shown = params.copy()
    # The defaults are shown as chosen, not just applied.
    shown.setdefault("verdict", Claim.Verdict.UNREVIEWED)
    shown.setdefault("ordering", QUEUE_ORDERINGS[0][0])
    form = QueueFilterForm(shown)
    claims = Claim.objects.for_queue_page().matching(**form.filters(user=request.user))
    ordering, cursor, size = form.page()
    page = keyset_page(claims, ordering, cursor=cursor, size=size)
    mine = form.cleaned_data.get("assigned") == "me"
    return render(
        request,
        "claims/claim_queue.html",
        {
            "form": form,
            "problems": form.problems(),
            "claims": page.items,
            "next_url": page.next_cursor and _with_params(request, params, cursor=page.next_cursor),
            "previous_url": page.previous_cursor
            and _with_params(request, params, cursor=page.previous_cursor),
            "first_url": _with_params(request, params, cursor=None) if cursor else None,
            "mine_url": _with_params(request, params, cursor=None, assigned=None if mine else "me"),
            "mine": mine,
            "default_page_size": QUEUE_PAGE_SIZE,
            "here": request.get_full_path(),
            "notices": list(TakeoverNotice.objects.unseen_for(request.user)[:MAX_NOTICES]),
        },
    )


def _with_params(request: HttpRequest, params: QueryDict, **changes: str | None) -> str:
    """This page's URL with ``params``, some of them set (or removed, for None)."""
    params = params.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return f"{request.path}?{params.urlencode()}"


def _row_response(request: HttpRequest, claim_id: int, **extra) -> HttpResponse:
    claim = Claim.objects.for_queue_page().get(pk=claim_id)
    (row,) = claim_rows([claim], user_id=request.user.pk)
    return render(request, "claims/_claim_row.html", {"row": row, **extra})


@editor_required
@require_POST
def claim_quick_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    """A verdict from the queue, without a note: one key press on a row."""
    claim = get_object_or_404(Claim, pk=pk)
    form = QuickVerdictForm(request.POST)
    back = _safe_next(request, reverse("claims:claim_queue"))
    if not form.is_valid():
        if _is_htmx(request):
            return _row_response(request, claim.pk, error="That verdict could not be read.")
        messages.error(request, "That verdict could not be read.")
        return redirect(back)
    if _held_by_other(claim, request.user) and not form.cleaned_data["confirm_other_assignee"]:
        verdict = form.cleaned_data["verdict"]
        if _is_htmx(request):
            return _row_response(request, claim.pk, confirm_verdict=Claim.Verdict(verdict))
        return _render_confirm(
            request,
            title="Give a verdict on someone else's claim?",
            lines=[_held_line(claim)],
            action=request.path,
            fields=[
                ("verdict", verdict),
                ("version", form.cleaned_data["version"]),
                ("next", back),
            ],
            confirm_name="confirm_other_assignee",
            button=f"Mark it “{Claim.Verdict(verdict).label}” anyway",
            back=back,
        )
    try:
        review_submit(
            claim_id=claim.pk,
            reviewer=request.user,
            verdict=form.cleaned_data["verdict"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersion as stale:
        if _is_htmx(request):
            return _row_response(request, claim.pk, stale=stale)
        messages.error(request, str(stale))
        return redirect(back)
    except VersionUnknown as invalid:
        if _is_htmx(request):
            return _row_response(request, claim.pk, error=str(invalid))
        messages.error(request, str(invalid))
        return redirect(back)
    if _is_htmx(request):
        return _row_response(request, claim.pk, just_reviewed=True)
    label = Claim.Verdict(form.cleaned_data["verdict"]).label
    messages.success(request, f"Claim #{claim.pk} marked “{label}”.")
    return redirect(back)


@editor_required
@require_POST
def claim_assignment(request: HttpRequest) -> HttpResponse:
    """Assign the ticked claims to me (or give them back): ``action`` says which."""
    form = ClaimIdsForm(request.POST)
    back = _safe_next(request, reverse("claims:claim_queue"))
    if not form.is_valid():
        messages.error(request, "Tick at least one claim first.")
        return redirect(back)
    ids = form.cleaned_data["claim"]
    if request.POST.get("action") == "unassign":
        count = claims_unassign(claim_ids=ids, user=request.user)
        done = f"{count} claim{'s' if count != 1 else ''} given back."
    else:
        take_over = request.POST.get("confirm") == CONFIRMED
        held = _held_by_others(ids, request.user)
        if held and not take_over:
            if _is_htmx(request) and len(ids) == 1:
                return _row_response(request, ids[0], confirm_takeover=True)
            return _render_confirm(
                request,
                title="Take over claims assigned to someone else?",
                lines=[_held_line(claim) for claim in held],
                action=request.path,
                fields=[("action", "assign"), ("next", back), *(("claim", pk) for pk in ids)],
                confirm_name="confirm",
                button="Take them over" if len(held) > 1 else "Take it over",
                back=back,
                note="They will see a notice in their “My claims”.",
            )
        count = claims_assign(claim_ids=ids, user=request.user, take_over=take_over)
        done = f"{count} claim{'s' if count != 1 else ''} assigned to you."
    if _is_htmx(request) and len(ids) == 1:
        return _row_response(request, ids[0])
    messages.success(request, done)
    return redirect(back)


def _held_by_other(claim: Claim, user) -> bool:
    return claim.assigned_to_id is not None and claim.assigned_to_id != user.pk


def _held_by_others(ids: list[int], user) -> list[Claim]:
    return list(
        Claim.objects.filter(pk__in=ids)
        .unreviewed()
        .held_by_others(user)
        .select_related("assigned_to")
        .order_by("pk")
    )


def _held_line(claim: Claim) -> str:
    who = claim.assigned_to.get_username() if claim.assigned_to else "someone"
    return f"Claim #{claim.pk} “{claim.text}” is assigned to {who}."


def _render_confirm(
    request: HttpRequest,
    *,
    title: str,
    lines: list[str],
    action: str,
    fields: list[tuple[str, object]],
    confirm_name: str,
    button: str,
    back: str,
    note: str = "",
) -> HttpResponse:
    """A page asking the editor to confirm an action on claims someone else holds; the
    form sends the same request again with the confirmation added."""
    context = {
        "title": title,
        "lines": lines,
        "action": action,
        "fields": fields,
        "confirm_name": confirm_name,
        # "yes" reads as ticked for the forms' BooleanFields too.
        "confirm_value": CONFIRMED,
        "button": button,
        "back": back,
        "note": note,
    }
    return render(request, "claims/claim_confirm.html", context, status=409)


@editor_required
@require_POST
def claim_bulk_verdict(request: HttpRequest) -> HttpResponse:
    """One verdict for the ticked rows, each saved under the version its row showed."""
    form = BulkVerdictForm(request.POST)
    back = _safe_next(request, reverse("claims:claim_queue"))
    if not form.is_valid():
        if "claim" in form.errors:
            messages.error(request, "Tick at least one claim first.")
        else:
            messages.error(request, "That verdict could not be read.")
        return redirect(back)
    verdict = Claim.Verdict(form.cleaned_data["verdict"])
    versions = form.versions()
    unreadable = [pk for pk, version in versions.items() if version is None]
    versions = {pk: v for pk, v in versions.items() if v is not None}
    held = _held_by_others(list(versions), request.user)
    if held and not form.cleaned_data["confirm_other_assignee"]:
        return _render_confirm(
            request,
            title="Give a verdict on claims assigned to someone else?",
            lines=[_held_line(claim) for claim in held],
            action=request.path,
            fields=[
                ("verdict", verdict.value),
                ("next", back),
                *(("claim", pk) for pk in versions),
                *((f"version-{pk}", v) for pk, v in versions.items()),
            ],
            confirm_name="confirm_other_assignee",
            button=f"Mark all {len(versions)} “{verdict.label}”",
            back=back,
        )
    result = reviews_submit_bulk(reviewer=request.user, verdict=verdict, versions=versions)
    if result.applied:
        count = len(result.applied)
        messages.success(
            request, f"{count} claim{'s' if count != 1 else ''} marked “{verdict.label}”."
        )
    for claim_id, stale in result.stale:
        messages.error(request, f"Claim #{claim_id} not changed: {stale}")
    for claim_id in result.missing:
        messages.error(request, f"Claim #{claim_id} not changed: it no longer exists.")
    for claim_id in unreadable:
        messages.error(
            request, f"Claim #{claim_id} not changed: reload the queue and tick it again."
        )
    return redirect(back)


@editor_required
@require_POST
def takeover_notices_seen(request: HttpRequest) -> HttpResponse:
    """Dismiss the notices about claims other editors took over."""
    takeover_notices_dismiss(user=request.user)
    return redirect(_safe_next(request, reverse("claims:claim_queue") + "?mine=on"))


# --- A claim ----------------------------------------------------------------------


def _render_claim(
    request: HttpRequest,
    claim: Claim,
    *,
    verdict_form: VerdictForm | None = None,
    correction_form: CorrectionForm | None = None,
    stale: StaleVersion | None = None,
    held_by_other: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "claim": claim,
        "held_by_other": held_by_other,
        "verdict_form": verdict_form or VerdictForm(initial={"version": claim.version}),
        "correction_form": correction_form or CorrectionForm.for_claim(claim),
        "stale": stale,
        "related": claims_related(claim),
        "other_quantities": (
            story_quantity_tables(
                claim.article.story, exclude_quantity=claim.quantity_id, relations=False
            )
            if claim.article.story_id
            else []
        ),
        "identical_unreviewed": claims_identical(claim).unreviewed().count(),
        "evidence": claim.evidence.select_related("source", "added_by"),
        "history": claim.reviews.select_related("reviewer").order_by("-created_at", "-id"),
        "next_claim": Claim.objects.unreviewed()
        .after_cursor(claim.checkworthiness, claim.pk)
        .order_by("-checkworthiness", "-id")
        .only("pk")
        .first(),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


def _claim_for_page(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.with_article()
        .select_related("article__story", "quantity")
        .defer("article__body"),
        pk=pk,
    )


@editor_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_claim(request, _claim_for_page(pk))


@editor_required
@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for_page(pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, verdict_form=form, status=400)
    data = form.cleaned_data
    if _held_by_other(claim, request.user) and not data["confirm_other_assignee"]:
        # Nothing is saved yet: the form comes back as it was sent, now confirming.
        resubmit = request.POST.copy()
        resubmit["confirm_other_assignee"] = "on"
        return _render_claim(
            request, claim, verdict_form=VerdictForm(resubmit), held_by_other=True, status=409
        )
    evidence = None
    if form.has_evidence():
        evidence = EvidenceInput(
            stance=data["evidence_stance"],
            url=data["evidence_url"],
            source=data["evidence_source"],
            quoted_figure=data["evidence_figure"],
        )
    try:
        review_submit(
            claim_id=claim.pk,
            reviewer=request.user,
            verdict=data["verdict"],
            expected_version=data["version"],
            note=data["note"],
            evidence=evidence,
            apply_to_identical=data["apply_to_identical"],
        )
    except StaleVersion as stale:
        return _render_stale(request, pk, stale, VerdictForm, "verdict_form")
    except (EvidenceInvalid, VersionUnknown) as invalid:
        form.add_error(None, str(invalid))
        return _render_claim(request, claim, verdict_form=form, status=400)
    label = Claim.Verdict(data["verdict"]).label
    messages.success(request, f"Marked “{label}”.")
    return redirect(claim)


def _render_stale(
    request: HttpRequest, pk: int, stale: StaleVersion, form_class, form_name: str
) -> HttpResponse:
    """The claim page again, with the other editor's change and the form as it was sent.

    What the editor wrote is kept, and the form moves to the version they have now
    seen: submitting again is a deliberate decision to replace the other change.
    """
    resubmit = request.POST.copy()
    resubmit["version"] = str(stale.current.version)
    return _render_claim(
        request,
        _claim_for_page(pk),
        stale=stale,
        status=409,
        **{form_name: form_class(resubmit)},
    )


@editor_required
@require_POST
def claim_correction(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for_page(pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, correction_form=form, status=400)
    try:
        claim_correct(
            claim_id=claim.pk,
            editor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.changes(),
        )
    except StaleVersion as stale:
        return _render_stale(request, pk, stale, CorrectionForm, "correction_form")
    except VersionUnknown as invalid:
        form.add_error(None, str(invalid))
        return _render_claim(request, claim, correction_form=form, status=400)
    messages.success(request, "Reading corrected; the change is in the history.")
    return redirect(claim)


# --- Dashboard --------------------------------------------------------------------


@editor_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/dashboard_overview.html", {"figures": dashboard_figures()})


# --- Stories ----------------------------------------------------------------------


@editor_required
@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    form = StoryListForm(request.GET)
    values = form.values()
    stories = Story.objects.listed()
    if values.get("conflict"):
        stories = stories.with_conflicts()
    if values.get("q"):
        stories = stories.filter(title__icontains=values["q"].strip())
    cursor = values.get("after")
    if cursor:
        stories = stories.before(*cursor)
    rows = list(stories[: STORY_PAGE_SIZE + 1])
    next_url = None
    if len(rows) > STORY_PAGE_SIZE:
        rows = rows[:STORY_PAGE_SIZE]
        next_url = _with_params(request, request.GET, after=story_cursor_token(rows[-1]))
    return render(
        request,
        "claims/story_list.html",
        {
            "form": form,
            "stories": rows,
            "next_url": next_url,
            "first_url": _with_params(request, request.GET, after=None) if cursor else None,
        },
    )


@editor_required
@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=pk)
    values = StoryPageForm(request.GET).values()
    page = values.get("page") or 1
    offset = (page - 1) * STORY_ARTICLES_PAGE
    # One row past the page tells whether there is a next one, without a count.
    articles = list(
        story.articles.with_claim_counts()
        .select_related("source", "story_placed_by")
        .defer("body", "story_features")
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")[
            offset : offset + STORY_ARTICLES_PAGE + 1
        ]
    )
    has_next = len(articles) > STORY_ARTICLES_PAGE
    articles = articles[:STORY_ARTICLES_PAGE]
    context = {
        "story": story,
        "articles": articles,
        "articles_from": offset + 1,
        "articles_to": offset + len(articles),
        "previous_url": _with_params(request, request.GET, page=str(page - 1))
        if page > 1
        else None,
        "next_url": _with_params(request, request.GET, page=str(page + 1)) if has_next else None,
        "tables": story_quantity_tables(story, limit=FIGURES_SHOWN, expand=values.get("quantity")),
        "nearby": list(Story.objects.near(story).only("pk", "title")[:NEARBY_STORIES]),
        "title_form": StoryTitleForm(initial={"title": story.title}),
    }
    return render(request, "claims/story_detail.html", context)


def _story_edit(request: HttpRequest, pk: int, form, action) -> HttpResponse:
    """Validate an editing form, call the service, and go back to a story page.

    ``action`` returns the story to show next and the message to show with it.
    """
    back = reverse("claims:story_detail", args=[pk])
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, errors[0] if errors else "That could not be read.")
        return redirect(back)
    try:
        story_id, done = action(form.cleaned_data)
    except StoryEditError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, done)
    return redirect("claims:story_detail", story_id)


@editor_required
@require_POST
def story_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    def rename(data):
        story = story_rename(story_id=pk, title=data["title"], editor=request.user)
        return story.pk, f"The story is now called “{story.title}”."

    return _story_edit(request, pk, StoryTitleForm(request.POST), rename)


@editor_required
@require_POST
def story_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    def merge(data):
        story = stories_merge(story_id=pk, into_story_id=data["into"], editor=request.user)
        return story.pk, f"Merged: every article is now in “{story.title}”."

    return _story_edit(request, pk, StoryMergeForm(request.POST), merge)


@editor_required
@require_POST
def story_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    def split(data):
        new = story_split(
            story_id=pk, article_ids=data["article"], editor=request.user, title=data["title"]
        )
        count = new.article_count
        return new.pk, f"{count} article{'s' if count != 1 else ''} moved to this new story."

    return _story_edit(request, pk, StorySplitForm(request.POST), split)


@editor_required
@require_POST
def story_article_move(request: HttpRequest, pk: int) -> HttpResponse:
    def move(data):
        if not Article.objects.filter(pk=data["article"], story_id=pk).exists():
            raise StoryEditError("That article is not in this story any more.")
        article = article_move(
            article_id=data["article"], story_id=data["story"], editor=request.user
        )
        # Stay on the story being sorted out, unless the move emptied it.
        stay = pk if Story.objects.filter(pk=pk).exists() else article.story_id
        return stay, f"“{article}” moved to story #{article.story_id}."

    return _story_edit(request, pk, ArticleMoveForm(request.POST), move)
