"""The linguists' review page: server-rendered, driving the same services as the API.

Signing in takes an API token once; the session cookie (signed, HttpOnly, SameSite=Lax)
keeps the user's name and the token's hash, checked against the database on every
request, so rotating or revoking the token ends the session. Every state change needs
the session's CSRF token (a form field, or the X-CSRF-Token header from the page's
script)."""

from __future__ import annotations

import hmac
import secrets
from functools import wraps
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from ..domain.access import Principal, Role
from ..domain.errors import LocsvcError, Unauthorized
from ..domain.review import ReviewAction
from ..services import auth, editor, reviews, rollouts
from ..services.access import require_scope_of_episode
from ..services.episodes import episode_media

blueprint = Blueprint("web", __name__, template_folder="templates", static_folder="static")
ACTIONS = {"submit": ReviewAction.SUBMIT, "approve": ReviewAction.APPROVE,
           "request-changes": ReviewAction.REQUEST_CHANGES, "release": ReviewAction.RELEASE,
           "claim": ReviewAction.CLAIM}  # fmt: skip


def _ctx():
    return current_app.extensions["locsvc"]


def signed_in(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        name, token_hash = session.get("user"), session.get("token_hash")
        if not name or not token_hash:
            return redirect(url_for("web.sign_in", next=request.path))
        try:
            g.principal = auth.principal_for_session(
                _ctx().db, name, token_hash, _ctx().settings.admin_token
            )
        except Unauthorized:
            session.clear()
            return redirect(url_for("web.sign_in", next=request.path))
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf", "")
            if not hmac.compare_digest(sent, session.get("csrf", "")):
                abort(400, "The form is stale (CSRF token); reload the page.")
        return view(*args, **kwargs)

    return wrapper


def principal() -> Principal:
    return g.principal


@blueprint.get("/sign-in")
def sign_in():
    return render_template("sign_in.html", error=None, next=request.args.get("next", ""))


@blueprint.post("/sign-in")
def sign_in_post():
    token = request.form.get("token", "").strip()
    try:
        who = auth.authenticate(_ctx().db, token, _ctx().settings.admin_token)
    except Unauthorized as error:
        return render_template("sign_in.html", error=error.message, next=""), 401
    session.clear()
    session.update(user=who.name, token_hash=auth.hash_token(token),
                   csrf=secrets.token_urlsafe(32))  # fmt: skip
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/app/") else url_for("web.queue"))


@blueprint.post("/sign-out")
@signed_in
def sign_out():
    session.clear()
    return redirect(url_for("web.sign_in"))


@blueprint.get("/")
@signed_in
def queue():
    keys = ("state", "language", "show", "due_before")
    filters = {key: request.args.get(key, "").strip() for key in keys}
    cursor = request.args.get("cursor")
    page = reviews.list_reviews(
        _ctx(), principal(), [filters["state"]] if filters["state"] else [],
        [filters["language"]] if filters["language"] else [],
        [filters["show"]] if filters["show"] else [], int(cursor) if cursor and cursor.isdigit()
        else None, 50, filters["due_before"] or None,
    )  # fmt: skip
    return render_template("queue.html", page=page, filters=filters, user=principal())


@blueprint.get("/reviews/<int:review_id>")
@signed_in
def edit(review_id: int):
    view = editor.editor_view(_ctx(), review_id, principal())
    return render_template("editor.html", view=view, user=principal())


@blueprint.post("/reviews/<int:review_id>/save")
@signed_in
def save(review_id: int):
    body = request.get_json(silent=True) or {}
    reply = editor.save_from_editor(
        _ctx(), review_id, int(body.get("base_revision", 0)), body.get("cues"), principal()
    )
    return jsonify(reply)


@blueprint.post("/reviews/<int:review_id>/<action>")
@signed_in
def act(review_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    waiver, comment = request.form.get("waiver") or None, request.form.get("comment") or None
    reviews.act(_ctx(), review_id, ACTIONS[action], principal(), waiver, comment)
    if action in ("release", "approve", "request-changes"):
        return redirect(url_for("web.queue"))
    return redirect(url_for("web.edit", review_id=review_id))


@blueprint.get("/media/<episode_id>")
@signed_in
def media(episode_id: str):
    """The episode's media for the player (range requests, so it can seek)."""
    require_scope_of_episode(_ctx(), principal(), episode_id)
    path, mimetype = episode_media(_ctx(), episode_id)
    return send_file(Path(path), mimetype=mimetype, conditional=True)


@blueprint.get("/rollouts/<rollout_id>")
@signed_in
def rollout(rollout_id: str):
    if principal().role is Role.LINGUIST:
        abort(403)
    return render_template("rollout.html", view=rollouts.rollout_view(_ctx(), rollout_id),
                           user=principal())  # fmt: skip


@blueprint.get("/rollouts/<rollout_id>.json")
@signed_in
def rollout_json(rollout_id: str):
    if principal().role is Role.LINGUIST:
        abort(403)
    return jsonify(rollouts.rollout_view(_ctx(), rollout_id))


def register_web(app: Flask) -> None:
    settings = app.extensions["locsvc"].settings
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
    from ..api.errors import error_body, status_for

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
