"""The care pages' blueprint and every route on it, in one table.

The views live with their part of the work — ``views`` (today's work and the user page),
``actions`` (the nurse's forms), ``coordination`` (the board, contacts and decisions) and
``planning`` (the week planner); this module says which address runs which view.
"""

from __future__ import annotations

from flask import Blueprint

from homecare.care import actions, coordination, planning, views

blueprint = Blueprint("care", __name__, template_folder="templates")
blueprint.app_context_processor(views.labels)

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
#: (address, view, methods); the endpoint is ``care.<view name>``.
ROUTES = (
    ("/today", views.today, GET),
    ("/users/<uuid:user_id>", views.user, GET),
    ("/users/<uuid:user_id>/plan", views.plan, GET),
    ("/users/<uuid:user_id>/journal", views.journal_page, GET),
    ("/users/<uuid:user_id>/what-matters/new", actions.what_matters, BOTH),
    ("/users/<uuid:user_id>/goals/new", actions.new_goal, BOTH),
    ("/users/<uuid:user_id>/goals/<uuid:goal_id>/check-in", actions.check_in, BOTH),
    ("/visits/<uuid:visit_id>/complete", actions.complete_visit, BOTH),
    ("/visits/<uuid:visit_id>/missed", actions.visit_missed, BOTH),
    ("/visits/<uuid:visit_id>/missed/undo", actions.undo_visit_missed, POST),
    ("/teams/<id:team_id>/board", coordination.board, GET),
    ("/users/<uuid:user_id>/contact", coordination.choose_contact, BOTH),
    ("/users/<uuid:user_id>/decisions/new", coordination.new_decision, BOTH),
    ("/transfers/<uuid:transfer_id>/answer", coordination.answer_transfer, POST),
    ("/visits-to-settle/<uuid:item_id>", coordination.settle_visit, POST),
    ("/teams/<id:team_id>/planner", planning.planner, GET),
    ("/teams/<id:team_id>/planner/new", planning.plan_visit, BOTH),
    ("/teams/<id:team_id>/planner/continuity", planning.continuity_preview, GET),
    ("/visits/<uuid:visit_id>/plan", planning.replan_visit, BOTH),
    ("/visits/<uuid:visit_id>/cancel", planning.cancel_visit, POST),
)
for rule, view, methods in ROUTES:
    blueprint.add_url_rule(rule, view_func=view, methods=methods)
