"""/reviews: the linguists' queue and the review actions."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..app_context import current_context
from ..domain.access import Role, require_role, shows_within
from ..domain.errors import InvalidRequest
from ..domain.review import PATH_ACTIONS
from ..http.validation import json_body, query_int
from ..services import reviews as service
from ..services.post_edit import post_edit_report
from .auth import authenticate_request, principal

blueprint = Blueprint("reviews", __name__)
blueprint.before_request(authenticate_request)


def _list_arg(name: str) -> list[str]:
    return [v.strip() for raw in request.args.getlist(name) for v in raw.split(",") if v.strip()]


@blueprint.get("/reviews")
def list_reviews():
    require_role(principal(), Role.LINGUIST, Role.PRODUCER)
    limit = query_int("limit", 50, 1, service.MAX_PAGE)
    cursor = query_int("cursor", None)
    page = service.list_reviews(
        current_context(), principal(), _list_arg("state"), _list_arg("language"),
        _list_arg("show"), cursor, limit, request.args.get("due_before"),
    )  # fmt: skip
    return jsonify(page)


@blueprint.get("/reviews/<row_id:review_id>")
def get_review(review_id: int):
    require_role(principal(), Role.LINGUIST, Role.PRODUCER)
    return jsonify(service.get_review(current_context(), review_id, principal()))


@blueprint.post("/reviews/<row_id:review_id>/<action>")
def act(review_id: int, action: str):
    chosen = PATH_ACTIONS.get(action)
    if chosen is None:
        names = ", ".join(PATH_ACTIONS)
        raise InvalidRequest(f"Unknown review action {action!r}; one of {names}.")
    body = json_body("ReviewActionBody", optional=True)
    waiver, comment = body.get("waiver"), body.get("comment")
    return jsonify(service.act(current_context(), review_id, chosen, principal(), waiver, comment))


@blueprint.get("/reports/post-editing")
def post_editing_report():
    """Mean post-editing effort of approved tracks, ?by=language|engine|linguist|episode|show."""
    require_role(principal(), Role.PRODUCER)
    by = request.args.get("by", "language")
    shows = shows_within(principal(), []) or []  # the caller's shows; empty: every show
    return jsonify({"by": by, "items": post_edit_report(current_context(), by, shows)})
