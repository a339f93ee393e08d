"""Each role's workspace: where it lands after sign-in and what its navigation bar offers (DESIGN §2)."""
from flask import current_app, url_for
from flask_login import current_user

from . import bp

# role → [(endpoint, label)]; the first entry is the role's home.
NAVIGATION = {
    "grid_worker": [("web.field_home", "我的诉求"), ("web.field_new", "上报问题")],
    "dispatcher": [("web.triage", "待分拨"), ("web.cases", "全部诉求"), ("web.extensions", "延期审批")],
    "handler": [("web.inbox", "我的待办"), ("web.cases", "本单位诉求"), ("web.supervision", "督办")],
    "reviewer": [("web.review", "研判队列"), ("web.meetings", "研判会议"), ("web.cases", "诉求查询")],
    "leader": [("web.dashboard", "领导驾驶舱"), ("web.review", "二级研判"), ("web.supervision", "超期督办"),
               ("web.cases", "诉求查询")],
    "supervisor": [("web.supervision", "超期督办"), ("web.dashboard", "数据看板"), ("web.cases", "诉求查询")],
    "officer": [("web.visits", "回访"), ("web.cases", "诉求查询")],
    "admin": [("web.admin_home", "系统管理"), ("web.keywords", "关键词库"), ("web.dashboard", "数据看板"),
              ("web.cases", "诉求查询")],
}


def _available(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def navigation_for(role: str) -> list[tuple[str, str]]:
    return [(url_for(endpoint), label) for endpoint, label in NAVIGATION.get(role, []) if _available(endpoint)]


def home_for(user) -> str:
    links = navigation_for(user.role)
    return links[0][0] if links else url_for("web.index")


@bp.app_context_processor
def role_navigation():
    if current_user.is_authenticated:
        return {"navigation": navigation_for(current_user.role)}
    return {"navigation": []}
