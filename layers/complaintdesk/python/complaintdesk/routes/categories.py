"""Categories: the plans, published as versions without a redeploy, and their dry run."""

from __future__ import annotations

from complaintdesk.routes import ADMINS, STAFF, Routes

routes = Routes("categories")


@routes.endpoint("/categories")
def list_categories(call):
    from complaintdesk.services.categories import list_categories

    return list_categories()


@routes.endpoint("/categories/{category_id}")
def get_category(call):
    """The current definition and every published version: who changed what, when."""
    from complaintdesk.services.categories import category_view

    return category_view(call.params["category_id"])


@routes.endpoint("/categories/{category_id}", "PUT", roles=ADMINS)
def publish_category(call):
    """Validate, compile and publish a new version; running tickets keep the version they started on."""
    from complaintdesk.services.categories import publish

    published, view = publish(call.params["category_id"], call.json(), actor=call.actor)
    return (201 if published else 200), {**view, "published": published}


@routes.endpoint("/categories/{category_id}/preview", "POST", roles=STAFF)
def preview_category(call):
    """Every step's and escalation level's deadline for a start time, under a proposed or the current plan."""
    from complaintdesk.services.categories import preview_category

    return preview_category(call.params["category_id"], call.json())
