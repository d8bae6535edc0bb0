"""/shows/{slug}/timed-text, /shows/{slug}/review and /shows/{slug}/translation: a show's
timed-text profile overrides, review rules and what translating models are told."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..app_context import current_context
from ..domain.errors import InvalidRequest, NotFound
from ..domain.requests import SHOW_SLUG_PATTERN, is_show_slug
from ..http.validation import Limits, check_text, json_body
from ..services import shows as service
from ..services.shows import profile_from_overrides
from .auth import authenticate_request, principal

blueprint = Blueprint("shows", __name__)
blueprint.before_request(authenticate_request)


def existing_show(show: str) -> str:
    """A show that cannot exist (not a slug) has nothing to read: 404."""
    if not is_show_slug(show):
        raise NotFound(f"There is no show {show[:70]!r}: a show is a slug.", show=show[:70])
    return show


def show_to_change(show: str) -> str:
    if not is_show_slug(show):
        raise InvalidRequest(f"The show must match {SHOW_SLUG_PATTERN}.", field="show")
    return show


@blueprint.get("/shows/<show>/timed-text")
def get_timed_text(show: str):
    overrides = service.get_overrides(current_context(), existing_show(show), principal())
    language = check_text(request.args.get("language", "en"), "language", Limits.LANGUAGE)
    profile = profile_from_overrides(language, overrides, show)
    return jsonify({"overrides": overrides, "profile": profile.to_dict()})


@blueprint.put("/shows/<show>/timed-text")
def put_timed_text(show: str):
    body = json_body("TimedTextOverrides")
    overrides = service.set_overrides(current_context(), show_to_change(show), body, principal())
    return jsonify({"overrides": overrides})


@blueprint.get("/shows/<show>/review")
def get_review_settings(show: str):
    """The show's review rules: {four_eyes} (on unless switched off)."""
    ctx = current_context()
    return jsonify(service.get_review_settings(ctx, existing_show(show), principal()))


@blueprint.get("/shows/<show>/translation")
def get_translation_settings(show: str):
    """What a translating model is told about the show: {synopsis, tone}."""
    ctx = current_context()
    return jsonify(service.get_translation_settings(ctx, existing_show(show), principal()))


@blueprint.put("/shows/<show>/translation")
def put_translation_settings(show: str):
    body = json_body("TranslationSettings")
    return jsonify(
        service.set_translation_settings(
            current_context(), show_to_change(show), body, principal()
        )  # fmt: skip
    )


@blueprint.put("/shows/<show>/review")
def put_review_settings(show: str):
    body = json_body("ReviewSettings")
    return jsonify(
        service.set_review_settings(current_context(), show_to_change(show), body, principal())
    )
