"""The handler's inbox (待办): the unit's cases by tab, each deadline shown as working time left."""
from flask import render_template

from ..domain.lifecycle import STATUS_LABELS
from ..services.queries import count_cases
from . import bp
from .auth import role_required
from .cases import current_actor, filters_from_args, list_context, tabbed_list

# tab → (label, fixed filters, default order)
INBOX_TABS = {
    "to_accept": ("待签收", {"status": "dispatched"}, "due"),
    "handling": ("办理中", {"status": "accepted"}, "due"),
    "due_soon": ("即将超期", {"due_soon": True}, "due"),
    "overdue": ("已超期", {"overdue": True}, "due"),
    "done": ("已办结", {"status": "resolved,closed"}, "updated"),
}


@bp.get("/inbox")
@role_required("handler")
def inbox():
    tab, items, paging = tabbed_list(INBOX_TABS)
    counts = {name: count_cases(current_actor(), filters_from_args(**fixed))
              for name, (_, fixed, _) in INBOX_TABS.items()}
    return render_template("staff/inbox.html", tabs=INBOX_TABS, tab=tab, counts=counts, cases=items,
                           paging=paging, labels=STATUS_LABELS, **list_context())
