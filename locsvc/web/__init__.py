"""The linguists' review page: server-rendered, driving the same services as the API.

Signing in takes an API token once, through a form with its own CSRF token bound to the
browser's pre-sign-in cookie (no login CSRF). Each sign-in starts a new server-side session
(services.auth): the cookie (signed, HttpOnly, SameSite=Lax) carries only its random id, and
signing out, rotating or revoking the token, or the absolute and idle limits end it. Every
state change needs the session's CSRF token (a form field, or the X-CSRF-Token header from
the page's script)."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from functools import wraps
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from ..app_context import context_of, current_context
from ..domain.access import Principal
from ..domain.errors import InvalidRequest, LocsvcError, Unauthorized
from ..domain.review import PATH_ACTIONS, PRODUCER_ACTIONS, ReviewAction
from ..http.errors import error_body, status_for
from ..http.ranges import ranged_response
from ..http.validation import form_text, json_body, query_int
from ..ports import RangedReads
from ..services import auth, editor, reviews, rollouts, speakers
from ..services.access import require_scope_of_episode
from ..services.episodes import episode_media

blueprint = Blueprint("web", __name__, template_folder="templates", static_folder="static")
# The page is the linguists': reopening a review round (a producer's) is the API's.
PAGE_ACTIONS = {name: a for name, a in PATH_ACTIONS.items() if a not in PRODUCER_ACTIONS}
# These end the caller's turn with the track: the page goes back to the queue.
BACK_TO_QUEUE = frozenset(
    {ReviewAction.RELEASE, ReviewAction.APPROVE, ReviewAction.REQUEST_CHANGES}
)


def signed_in(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            g.principal = _session_principal()
        except Unauthorized:
            session.clear()
            if request.is_json:
                raise  # the page's script shows a 401, not a sign-in page in place of JSON
            return redirect(url_for("web.sign_in", next=request.path))
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf", "")
            if not _same_secret(sent, session.get("csrf")):
                abort(400, "The form is stale (CSRF token); reload the page.")
        return view(*args, **kwargs)

    return wrapper


def _session_principal() -> Principal:
    session_id = session.get("sid")
    if not isinstance(session_id, str) or not session_id:
        raise Unauthorized(auth.SESSION_ENDED)
    ctx = current_context()
    idle = timedelta(minutes=ctx.settings.session_idle_minutes)
    return auth.principal_for_session(ctx.db, session_id, ctx.settings.admin_token, idle)


def _same_secret(sent: str, expected: object) -> bool:
    """Constant-time, and any text (compare_digest refuses non-ASCII str)."""
    if not isinstance(expected, str) or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


def principal() -> Principal:
    return g.principal


@blueprint.get("/sign-in")
def sign_in():
    return _sign_in_page(None, request.args.get("next", ""))


def _sign_in_page(error: str | None, next_path: str, status: int = 200):
    """The form, with a CSRF token kept in this browser's pre-sign-in cookie: another site
    cannot sign the browser in to its own account (login CSRF)."""
    if not session.get("login_csrf"):
        session["login_csrf"] = secrets.token_urlsafe(32)
    page = render_template("sign_in.html", error=error, next=next_path, csrf=session["login_csrf"])
    return page, status


@blueprint.post("/sign-in")
def sign_in_post():
    target = request.form.get("next", "")
    if not _same_secret(request.form.get("csrf", ""), session.get("login_csrf")):
        session.pop("login_csrf", None)
        message = "This sign-in form has expired or did not come from this site; sign in here."
        return _sign_in_page(message, target, 400)
    token = request.form.get("token", "").strip()
    ctx = current_context()
    try:
        who = auth.authenticate(ctx.db, token, ctx.settings.admin_token)
    except Unauthorized as error:
        return _sign_in_page(error.message, target, 401)
    lifetime = timedelta(hours=ctx.settings.session_lifetime_hours)
    previous = session.get("sid") if isinstance(session.get("sid"), str) else None
    session_id = auth.start_session(ctx.db, who, token, lifetime, replacing=previous)
    session.clear()  # nothing from before sign-in survives it (no fixation)
    session.update(sid=session_id, csrf=secrets.token_urlsafe(32))
    return redirect(target if target.startswith("/app/") else url_for("web.queue"))


@blueprint.post("/sign-out")
@signed_in
def sign_out():
    auth.end_session(current_context().db, session["sid"])
    session.clear()
    return redirect(url_for("web.sign_in"))


@blueprint.get("/")
@signed_in
def queue():
    keys = ("state", "language", "show", "due_before")
    filters = {key: request.args.get(key, "").strip() for key in keys}
    page = reviews.list_reviews(
        current_context(), principal(), [filters["state"]] if filters["state"] else [],
        [filters["language"]] if filters["language"] else [],
        [filters["show"]] if filters["show"] else [], query_int("cursor", None), 50,
        filters["due_before"] or None,
    )  # fmt: skip
    return render_template("queue.html", page=page, filters=filters, user=principal())


@blueprint.get("/reviews/<row_id:review_id>")
@signed_in
def edit(review_id: int):
    view = editor.editor_view(current_context(), review_id, principal())
    return render_template("editor.html", view=view, user=principal())


@blueprint.post("/reviews/<row_id:review_id>/save")
@signed_in
def save(review_id: int):
    body = json_body("EditorSave")  # 400 for anything but {base_revision, cues: [...]}
    reply = editor.save_from_editor(
        current_context(), review_id, body["base_revision"], body["cues"], principal()
    )
    return jsonify(reply)


@blueprint.post("/reviews/<row_id:review_id>/speakers/<label>")
@signed_in
def rename_speaker(review_id: int, label: str):
    """Name one of the episode's speakers, for the whole episode, from a track's page: the
    caller needs the track in scope (as for opening the page) and what renaming needs
    (services.speakers). The page's script sends JSON and gets the speaker back; the plain
    form comes back to the page."""
    ctx = current_context()
    review = reviews.get_review(ctx, review_id, principal())  # Forbidden out of scope
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str):
            raise InvalidRequest('Send {"name": "..."}.', field="name")
    else:
        name = form_text("name", 200)
    renamed = speakers.rename_speaker(ctx, principal(), review["episode_id"], label, name)
    if request.is_json:
        return jsonify(renamed)
    return redirect(url_for("web.edit", review_id=review_id))


@blueprint.post("/reviews/<row_id:review_id>/<action>")
@signed_in
def act(review_id: int, action: str):
    chosen = PAGE_ACTIONS.get(action)
    if chosen is None:
        abort(404)
    waiver, comment = form_text("waiver", 2000) or None, form_text("comment", 2000) or None
    reviews.act(current_context(), review_id, chosen, principal(), waiver, comment)
    if chosen in BACK_TO_QUEUE:
        return redirect(url_for("web.queue"))
    return redirect(url_for("web.edit", review_id=review_id))


@blueprint.get("/media/<episode_id>")
@signed_in
def media(episode_id: str):
    """The episode's media for the player (range requests, so it can seek)."""
    require_scope_of_episode(current_context(), principal(), episode_id)
    ctx = current_context()
    sha256, mimetype = episode_media(ctx, episode_id)
    if isinstance(ctx.storage, RangedReads):  # an object store: no whole copy first
        return ranged_response(ctx.storage, sha256, mimetype)
    return send_file(ctx.storage.path(sha256), mimetype=mimetype, conditional=True)


@blueprint.get("/rollouts/<rollout_id>")
@signed_in
def rollout(rollout_id: str):
    view = rollouts.rollout_for(current_context(), rollout_id, principal())
    return render_template("rollout.html", view=view, user=principal())


@blueprint.get("/rollouts/<rollout_id>.json")
@signed_in
def rollout_json(rollout_id: str):
    return jsonify(rollouts.rollout_for(current_context(), rollout_id, principal()))


def register_web(app: Flask) -> None:
    settings = context_of(app).settings
    app.secret_key = settings.secret_key or _persisted_secret(settings.data_dir)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="locsvc_session",
    )
    app.register_blueprint(blueprint, url_prefix="/app")


@blueprint.errorhandler(LocsvcError)
def _web_error(error: LocsvcError):
    """A page for the page; JSON (the API's shape) for the page's script."""
    status = status_for(error)
    if request.method == "GET":
        return render_template("error.html", error=error, user=g.get("principal")), status
    if request.is_json:
        return jsonify(error_body(error.code, error.message, error.details)), status
    return render_template("error.html", error=error, user=g.get("principal")), status


def _persisted_secret(data_dir: Path) -> str:
    """A random key kept beside the database, so sessions survive a restart."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
