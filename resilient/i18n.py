"""The one translation table. Simplified Chinese first; every key must have both languages (a test checks)."""

from datetime import date, datetime

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

TEXT: dict[str, dict[str, str]] = {
    "app.title": {"zh": "韧性社区", "en": "Resilient Community"},
    "app.language": {"zh": "语言 / Language", "en": "语言 / Language"},
    "app.community": {"zh": "社区", "en": "Community"},
    "app.grid": {"zh": "网格", "en": "Grid cell"},
    "app.all": {"zh": "全部", "en": "All"},
    "app.demo_note": {"zh": "演示数据（虚构社区）", "en": "Demo data (a made-up community)"},
    "app.data_as_of": {"zh": "数据截至 {when}", "en": "Data as of {when}"},
    "app.generating": {"zh": "首次启动：正在生成演示社区……", "en": "First start: generating the demo community…"},
    "app.sign_out": {"zh": "退出登录", "en": "Sign out"},
    "app.not_allowed": {"zh": "您的角色无权查看此页。", "en": "Your role may not open this page."},
    "nav.login": {"zh": "登录", "en": "Sign in"},
    "nav.account": {"zh": "我的账户", "en": "My account"},
    "nav.users": {"zh": "账户管理", "en": "Accounts"},
    "nav.audit": {"zh": "操作日志", "en": "Audit log"},
    "login.title": {"zh": "韧性社区 · 登录", "en": "Resilient Community · Sign in"},
    "login.username": {"zh": "用户名", "en": "User name"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.name": {"zh": "姓名", "en": "Name"},
    "login.role": {"zh": "角色", "en": "Role"},
    "login.submit": {"zh": "登录", "en": "Sign in"},
    "login.sso": {"zh": "使用单位统一身份登录", "en": "Sign in with single sign-on"},
    "login.expired": {
        "zh": "超过 {minutes} 分钟未操作，已自动退出，请重新登录。",
        "en": "Signed out after {minutes} minutes without activity. Please sign in again.",
    },
    "login.demo_accounts": {
        "zh": "演示数据库：以下演示账户可直接试用，密码均为 {password}。正式数据库没有这些账户。",
        "en": "Demo database: try any of these demo accounts, password {password}. A real database has none.",
    },
    "login.no_admin": {
        "zh": "尚无管理员账户。请在服务器上运行 `python -m resilient.accounts create-admin --username 用户名`，"
              "或设置 RC_ADMIN_USER 和 RC_ADMIN_PASSWORD 后重启。",
        "en": "No administrator yet. On the server run `python -m resilient.accounts create-admin --username NAME`, "
              "or set RC_ADMIN_USER and RC_ADMIN_PASSWORD and restart.",
    },
    "login.error.wrong": {"zh": "用户名或密码不正确。", "en": "Wrong user name or password."},
    "login.error.locked": {
        "zh": "密码连续输错次数过多，账户已锁定至 {until}。如需提前解锁请联系管理员重置密码。",
        "en": "Too many wrong passwords: the account is locked until {until}. An administrator can reset it.",
    },
    "login.error.no_sso_account": {
        "zh": "统一身份 {email} 没有对应的账户，请联系管理员。",
        "en": "No account is linked to {email}. Ask an administrator.",
    },
    "role.street_admin": {"zh": "街道管理员", "en": "Street administrator"},
    "role.community_leader": {"zh": "社区负责人", "en": "Community leader"},
    "role.grid_worker": {"zh": "网格员", "en": "Grid worker"},
    "role.doctor": {"zh": "社区医生", "en": "Doctor"},
    "role.volunteer": {"zh": "志愿者", "en": "Volunteer"},
    "role.viewer": {"zh": "只读查看", "en": "Viewer"},
    "role.street_admin.sees": {"zh": "可查看所有社区；管理账户和操作日志。",
                               "en": "Sees every community; manages accounts and the audit log."},
    "role.community_leader.sees": {"zh": "可查看本社区全部数据。", "en": "Sees all of their community."},
    "role.grid_worker.sees": {"zh": "可查看本人负责网格内的楼栋和居民。",
                              "en": "Sees the buildings and residents of their own grid cells."},
    "role.doctor.sees": {"zh": "可查看本社区统计，以及正在管控中的居民。",
                         "en": "Sees their community's figures and the residents under control measures."},
    "role.volunteer.sees": {"zh": "只可查看分配给本人的住户。", "en": "Sees only the households assigned to them."},
    "role.viewer.sees": {"zh": "只可查看汇总数字，不显示个人信息。", "en": "Sees totals only, never a person."},
    "account.title": {"zh": "我的账户", "en": "My account"},
    "account.change_password": {"zh": "修改密码", "en": "Change password"},
    "account.old_password": {"zh": "当前密码", "en": "Current password"},
    "account.new_password": {"zh": "新密码", "en": "New password"},
    "account.again": {"zh": "再次输入新密码", "en": "New password again"},
    "account.save": {"zh": "保存", "en": "Save"},
    "account.saved": {"zh": "密码已修改。", "en": "Password changed."},
    "account.error.mismatch": {"zh": "两次输入的新密码不一致。", "en": "The two new passwords differ."},
    "account.error.old_password": {"zh": "当前密码不正确。", "en": "The current password is wrong."},
    "account.error.too_short": {"zh": "密码至少需要 {n} 个字符。", "en": "A password needs at least {n} characters."},
    "account.error.same_as_username": {"zh": "密码不能与用户名相同。", "en": "The password cannot be the user name."},
    "account.error.username": {"zh": "请填写用户名。", "en": "Enter a user name."},
    "account.error.exists": {"zh": "用户名 {username} 已存在。", "en": "User name {username} is taken."},
    "account.error.role": {"zh": "未知角色。", "en": "Unknown role."},
    "account.error.needs_community": {"zh": "该角色必须选择所属社区。", "en": "This role needs a community."},
    "account.error.needs_staff": {
        "zh": "网格员和社区医生账户必须关联本社区对应岗位的工作人员。",
        "en": "Grid worker and doctor accounts must be linked to a staff member of that role in the community.",
    },
    "account.error.needs_volunteer": {
        "zh": "志愿者账户必须关联本社区的一名志愿者。",
        "en": "A volunteer account must be linked to a volunteer of the community.",
    },
    "account.error.needs_password_or_email": {
        "zh": "请设置密码，或填写用于统一身份登录的邮箱。",
        "en": "Set a password, or an email for single sign-on.",
    },
    "users.created_at": {"zh": "创建时间", "en": "Created"},
    "users.title": {"zh": "账户管理", "en": "Accounts"},
    "users.active": {"zh": "启用", "en": "Active"},
    "users.failed": {"zh": "连续失败", "en": "Failed logins"},
    "users.locked_until": {"zh": "锁定至", "en": "Locked until"},
    "users.create": {"zh": "新建账户", "en": "Create account"},
    "users.created": {"zh": "已创建账户 {username}。", "en": "Account {username} created."},
    "users.person": {"zh": "对应人员", "en": "Person"},
    "users.email": {"zh": "统一身份邮箱（可选）", "en": "Single sign-on email (optional)"},
    "users.change": {"zh": "重置密码 / 停用账户", "en": "Reset password / switch off"},
    "users.reset": {"zh": "重置密码（同时解锁）", "en": "Reset password (also unlocks)"},
    "users.deactivate": {"zh": "停用该账户", "en": "Switch this account off"},
    "users.activate": {"zh": "启用该账户", "en": "Switch this account on"},
    "audit.title": {"zh": "操作日志", "en": "Audit log"},
    "audit.username": {"zh": "用户名", "en": "User name"},
    "audit.action": {"zh": "操作", "en": "Action"},
    "audit.text": {"zh": "内容包含", "en": "Containing"},
    "audit.since": {"zh": "起始日期", "en": "From"},
    "audit.until": {"zh": "截止日期", "en": "To"},
    "audit.shown": {"zh": "显示最近 {n} 条", "en": "{n} most recent entries"},
    "audit.when": {"zh": "时间", "en": "When"},
    "audit.target": {"zh": "对象", "en": "Target"},
    "audit.old": {"zh": "原值", "en": "Old value"},
    "audit.new": {"zh": "新值", "en": "New value"},
    "audit.detail": {"zh": "说明", "en": "Detail"},
    "action.login": {"zh": "登录", "en": "Sign-in"},
    "action.login_failed": {"zh": "登录失败", "en": "Failed sign-in"},
    "action.logout": {"zh": "退出", "en": "Sign-out"},
    "action.session_expired": {"zh": "超时退出", "en": "Session expired"},
    "action.account_locked": {"zh": "账户锁定", "en": "Account locked"},
    "action.reveal": {"zh": "查看完整信息", "en": "Reveal"},
    "action.reveal_refused": {"zh": "查看被拒", "en": "Reveal refused"},
    "action.export": {"zh": "导出", "en": "Export"},
    "action.import": {"zh": "导入", "en": "Import"},
    "action.user_created": {"zh": "新建账户", "en": "Account created"},
    "action.user_updated": {"zh": "修改账户", "en": "Account changed"},
    "action.password_changed": {"zh": "修改密码", "en": "Password changed"},
    "action.write": {"zh": "修改数据", "en": "Data changed"},
    "overview.aggregates_only": {
        "zh": "您的角色只能查看汇总数字，不显示住户和个人。",
        "en": "Your role sees totals only: no households or people are shown.",
    },
    "overview.people": {"zh": "在管人员名单", "en": "People under measures"},
    "overview.reveal_who": {"zh": "查看完整姓名和电话（会记入日志）", "en": "Show full name and phone (logged)"},
    "overview.reveal": {"zh": "显示", "en": "Show"},
    "overview.export": {"zh": "导出Excel（已脱敏）", "en": "Export to Excel (masked)"},
    "people.error.reveal_refused": {"zh": "无权查看此人的完整信息。", "en": "You may not see this person in full."},
    "col.name": {"zh": "姓名", "en": "Name"},
    "col.phone": {"zh": "电话", "en": "Phone"},
    "col.id_number": {"zh": "证件号码", "en": "ID number"},
    "nav.overview": {"zh": "隔离管控分布", "en": "Quarantine density"},
    "overview.title": {"zh": "各楼栋隔离管控分布", "en": "Control measures by building"},
    "overview.filters": {"zh": "筛选", "en": "Filters"},
    "overview.compound": {"zh": "小区", "en": "Compound"},
    "overview.category": {"zh": "管控类别", "en": "Measure"},
    "overview.measure": {"zh": "着色依据", "en": "Colour by"},
    "overview.mode.count": {"zh": "人数", "en": "People"},
    "overview.mode.per_100": {"zh": "每百名居民", "en": "Per 100 residents"},
    "overview.basemap": {"zh": "底图", "en": "Basemap"},
    "overview.basemap.plain": {"zh": "无底图（离线可用）", "en": "Plain (works offline)"},
    "overview.basemap.osm": {"zh": "OpenStreetMap（需联网）", "en": "OpenStreetMap (needs internet)"},
    "overview.kpi.residents": {"zh": "居民", "en": "Residents"},
    "overview.kpi.households": {"zh": "户数", "en": "Households"},
    "overview.kpi.active": {"zh": "在管人数", "en": "Under measures"},
    "overview.kpi.due_today": {"zh": "今日到期解除", "en": "Release due today"},
    "overview.kpi.due_tomorrow": {"zh": "明日到期解除", "en": "Release due tomorrow"},
    "overview.kpi.new_24h": {"zh": "24小时新增", "en": "New in 24 h"},
    "overview.kpi_note": {
        "zh": "指标按所选社区、网格和小区统计，不受管控类别筛选影响。",
        "en": "Figures follow the chosen community, grid cell and compound, not the measure filter.",
    },
    "overview.map_help": {
        "zh": "点击楼栋查看各单元和住户明细。", "en": "Click a building for its stairwells and households.",
    },
    "overview.legend": {"zh": "在管人数", "en": "People under measures"},
    "overview.legend_per_100": {"zh": "每百名居民在管人数", "en": "Under measures per 100 residents"},
    "overview.legend_none": {"zh": "无", "en": "none"},
    "overview.chart_title": {"zh": "近30天每日在管人数", "en": "People under measures per day, last 30 days"},
    "overview.chart_day": {"zh": "日期", "en": "Day"},
    "overview.chart_people": {"zh": "人数", "en": "People"},
    "overview.no_buildings": {"zh": "所选范围内没有楼栋。", "en": "No buildings in the chosen area."},
    "overview.breakdown": {"zh": "{building}（{compound}）明细", "en": "{building} ({compound}) in detail"},
    "overview.breakdown_hint": {
        "zh": "在地图上点击一栋楼查看明细。", "en": "Click a building on the map to see its detail.",
    },
    "overview.stairwells": {"zh": "各单元", "en": "Stairwells"},
    "overview.households": {"zh": "在管住户", "en": "Households under measures"},
    "overview.no_households": {
        "zh": "该楼目前没有在管住户。", "en": "No household in this building is under a measure.",
    },
    "col.building": {"zh": "楼栋", "en": "Building"},
    "col.compound": {"zh": "小区", "en": "Compound"},
    "col.grid": {"zh": "网格", "en": "Grid cell"},
    "col.residents": {"zh": "居民", "en": "Residents"},
    "col.households": {"zh": "户数", "en": "Households"},
    "col.active": {"zh": "在管人数", "en": "Under measures"},
    "col.per_100": {"zh": "每百人", "en": "Per 100"},
    "col.unit": {"zh": "单元", "en": "Stairwell"},
    "col.floor": {"zh": "楼层", "en": "Floor"},
    "col.room": {"zh": "房号", "en": "Room"},
    "col.category": {"zh": "管控类别", "en": "Measure"},
    "col.people": {"zh": "人数", "en": "People"},
    "col.start": {"zh": "开始日期", "en": "Start"},
    "col.planned_end": {"zh": "预计解除", "en": "Planned end"},
    "col.days_left": {"zh": "剩余天数", "en": "Days left"},
    "col.households_under_measure": {"zh": "在管户数", "en": "Households under measures"},
    "unit.name": {"zh": "{n}单元", "en": "Stairwell {n}"},
    "category.centralised_quarantine": {"zh": "集中隔离", "en": "Centralised quarantine"},
    "category.medical_observation": {"zh": "医学观察", "en": "Medical observation"},
    "category.home_isolation": {"zh": "居家隔离", "en": "Home isolation"},
    "category.home_observation": {"zh": "居家观察", "en": "Home observation"},
    "category.health_monitoring": {"zh": "健康监测", "en": "Health monitoring"},
    "origin.key_area": {"zh": "重点地区", "en": "Key area"},
    "origin.other_area": {"zh": "其他地区", "en": "Other area"},
    "origin.abroad": {"zh": "境外", "en": "Abroad"},
    "origin.close_contact": {"zh": "密切接触者", "en": "Close contact"},
}

CATEGORIES = [
    "centralised_quarantine", "medical_observation", "home_isolation", "home_observation", "health_monitoring",
]


def density_labels(lang: str, categories: list[str] | tuple[str, ...] | None = None) -> dict[str, str]:
    """Column -> label for a building density row, in the order a tooltip shows them."""
    return {
        "name": t("col.building", lang), "compound": t("col.compound", lang), "grid": t("col.grid", lang),
        "residents": t("col.residents", lang), "active": t("col.active", lang), "per_100": t("col.per_100", lang),
        **{c: t(f"category.{c}", lang) for c in (categories or CATEGORIES)},
    }


def t(key: str, lang: str, **values) -> str:
    """Text for `key`; an unknown key shows itself so a gap is visible, not a crash at a desk."""
    entry = TEXT.get(key)
    text = key if entry is None else entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def fmt_number(value: float | int, lang: str) -> str:
    """Grouped digits; Chinese readers also read 万 for ten thousands on large counts."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    value = int(value)
    if lang == "zh" and abs(value) >= 100_000:
        return f"{value / 10_000:,.1f}万"
    return f"{value:,}"


def fmt_date(value: date | datetime, lang: str, with_time: bool = False) -> str:
    if lang == "zh":
        text = f"{value.year}年{value.month}月{value.day}日"
        return text + (f" {value:%H:%M}" if with_time and isinstance(value, datetime) else "")
    text = f"{value.day} {value:%b} {value.year}"
    return text + (f", {value:%H:%M}" if with_time and isinstance(value, datetime) else "")
