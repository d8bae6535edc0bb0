"""/reviews: the linguists' queue and the review actions."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..domain.access import Role, require_role
from ..domain.errors import InvalidRequest
from ..domain.review import ReviewAction
from ..services import reviews as service
from ..services.post_edit import post_edit_report
from .auth import authenticate_request, principal

blueprint = Blueprint("reviews", __name__)
blueprint.before_request(authenticate_request)

ACTIONS = {
    "claim": ReviewAction.CLAIM,
    "release": ReviewAction.RELEASE,
    "submit": ReviewAction.SUBMIT,
    "approve": ReviewAction.APPROVE,
    "request-changes": ReviewAction.REQUEST_CHANGES,
    "reopen": ReviewAction.REOPEN,
}


def _ctx():
    return current_app.extensions["locsvc"]


def _list_arg(name: str) -> list[str]:
    return [v.strip() for raw in request.args.getlist(name) for v in raw.split(",") if v.strip()]


@blueprint.get("/reviews")
def list_reviews():
    require_role(principal(), Role.LINGUIST, Role.PRODUCER)
    try:
        limit = int(request.args.get("limit", 50))
        cursor = int(request.args["cursor"]) if request.args.get("cursor") else None
    except ValueError as error:
        raise InvalidRequest("`limit` and `cursor` are whole numbers.") from error
    if not 1 <= limit <= service.MAX_PAGE:
        raise InvalidRequest(f"`limit` is 1 to {service.MAX_PAGE}.", field="limit")
    page = service.list_reviews(
        _ctx(), principal(), _list_arg("state"), _list_arg("language"), _list_arg("show"),
        cursor, limit, request.args.get("due_before"),
    )  # fmt: skip
    return jsonify(page)


@blueprint.get("/reviews/<int:review_id>")
def get_review(review_id: int):
    require_role(principal(), Role.LINGUIST, Role.PRODUCER)
    return jsonify(service.get_review(_ctx(), review_id, principal()))


@blueprint.post("/reviews/<int:review_id>/<action>")
def act(review_id: int, action: str):
    if action not in ACTIONS:
        raise InvalidRequest(f"Unknown review action {action!r}; one of {', '.join(ACTIONS)}.")
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        raise InvalidRequest("The body, when sent, is a JSON object.")
    waiver, comment = body.get("waiver"), body.get("comment")
    if waiver is not None and not isinstance(waiver, str):
        raise InvalidRequest("`waiver` is the reason, as text.", field="waiver")
    if comment is not None and not isinstance(comment, str):
        raise InvalidRequest("`comment` is text.", field="comment")
    return jsonify(service.act(_ctx(), review_id, ACTIONS[action], principal(), waiver, comment))


@blueprint.get("/reports/post-editing")
def post_editing_report():
    """Mean post-editing effort of approved tracks, ?by=language|engine|linguist|episode|show."""
    require_role(principal(), Role.PRODUCER)
    by = request.args.get("by", "language")
    return jsonify({"by": by, "items": post_edit_report(_ctx(), by)})
