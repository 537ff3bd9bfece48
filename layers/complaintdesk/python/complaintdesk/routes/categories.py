"""Categories: the plans, published as versions without a redeploy, and their dry run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import ADMINS, STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("categories")


@routes.endpoint("/categories", response="responses:CategoryList")
def list_categories(call: Call) -> Answer:
    """Every published category: its names and current version."""
    from complaintdesk.services.categories import list_categories

    return list_categories()


@routes.endpoint("/categories/{category_id}", response="responses:Category")
def get_category(call: Call) -> Answer:
    """The current definition and every published version: who changed what, when."""
    from complaintdesk.services.categories import category_view

    return category_view(call.params["category_id"])


@routes.endpoint(
    "/categories/{category_id}",
    "PUT",
    roles=ADMINS,
    body="categories.model:CategoryDefinition",
    validate=False,
    status=201,
    response="responses:CategoryPublished",
    also={200: "responses:CategoryPublished"},
)
def publish_category(call: Call) -> Answer:
    """Validate, compile and publish a new version; running tickets keep the version they started on.

    The body is the category definition (its ``id`` may be left out: the path names it). 200 when
    it equals the current version (nothing published); 400 names every problem.
    """
    from complaintdesk.services.categories import publish

    # The service validates the definition (with the path's id), naming each problem's place in the plan.
    published, view = publish(call.params["category_id"], call.json(), actor=call.actor)
    return (201 if published else 200), {**view, "published": published}


@routes.endpoint(
    "/categories/{category_id}/preview",
    "POST",
    roles=STAFF,
    body="schemas:CategoryPreview",
    response="responses:PreviewDeadlines",
)
def preview_category(call: Call) -> Answer:
    """Every step's and escalation level's deadline for a start time, under a proposed or the current plan."""
    from complaintdesk.services.categories import preview_category

    return preview_category(call.params["category_id"], call.body)


@routes.endpoint(
    "/categories/{category_id}/versions/{version}",
    roles=STAFF,
    response="responses:CategoryVersionDefinition",
)
def get_category_version(call: Call) -> Answer:
    """One published version's definition, as it was published (two of them make a diff)."""
    from complaintdesk.services.categories import version_view

    return version_view(call.params["category_id"], call.params["version"])
