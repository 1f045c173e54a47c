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
    "app.excel": {"zh": "下载Excel", "en": "Download Excel"},
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
    "action.backup": {"zh": "备份", "en": "Backup"},
    "action.restore": {"zh": "恢复", "en": "Restore"},
    "action.lab_import": {"zh": "导入检测结果", "en": "Lab results imported"},
    "action.positive_tube_acted_on": {"zh": "阳性管处置", "en": "Positive tube acted on"},
    "action.sample_taken": {"zh": "采样", "en": "Sample taken"},
    "action.testing_plan_saved": {"zh": "保存分批计划", "en": "Batch plan saved"},
    "action.testing_round_created": {"zh": "新建检测轮次", "en": "Testing round created"},
    "action.testing_site_added": {"zh": "新增采样点", "en": "Sampling site added"},
    "action.tube_closed": {"zh": "封管", "en": "Tube closed"},
    "action.tube_opened": {"zh": "开管", "en": "Tube opened"},
    "action.tube_result": {"zh": "登记结果", "en": "Tube result"},
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
    "nav.imports": {"zh": "数据导入", "en": "Import data"},
    "nav.backup": {"zh": "备份与恢复", "en": "Backup and restore"},
    "import.title": {"zh": "导入社区数据", "en": "Bring a community in"},
    "import.intro": {
        "zh": "先检查、后写入：文件中的问题会按行列出，确认后才一次性全部写入；有任何错误则什么都不写。",
        "en": "Checked first, written after: problems are listed row by row, and only a confirmed, clean file is "
              "written, all of it or nothing.",
    },
    "import.kind.register": {"zh": "住户登记表", "en": "Household register"},
    "import.kind.staff": {"zh": "工作人员", "en": "Staff"},
    "import.kind.volunteer": {"zh": "志愿者", "en": "Volunteers"},
    "import.kind.footprints": {"zh": "楼栋轮廓", "en": "Building outlines"},
    "import.template": {"zh": "下载Excel模板", "en": "Download the Excel template"},
    "import.template_suffix": {"zh": "模板", "en": "template"},
    "import.file": {
        "zh": "上传表格（.xlsx 或 .csv，支持 GBK 编码）",
        "en": "Upload a sheet (.xlsx or .csv, GBK works)",
    },
    "import.sheet": {"zh": "工作表", "en": "Sheet"},
    "import.read": {
        "zh": "已读取 {file}：{rows} 行，{columns} 列。",
        "en": "Read {file}: {rows} rows, {columns} columns.",
    },
    "import.unknown_columns": {
        "zh": "有 {n} 列表头无法识别：请指定每列对应的内容，或选择忽略。",
        "en": "{n} column headers are not recognised: say what each holds, or ignore it.",
    },
    "import.map_column": {"zh": "“{column}”列是", "en": "Column “{column}” holds"},
    "import.ignore": {"zh": "（忽略此列）", "en": "(ignore this column)"},
    "import.mapping_shown": {"zh": "查看列对应关系", "en": "Show how columns were matched"},
    "import.column": {"zh": "列", "en": "Column"},
    "import.field": {"zh": "对应内容", "en": "Holds"},
    "import.census": {"zh": "普查模式：自动新建表中出现但尚未登记的楼栋、单元和房屋",
                      "en": "Census: create buildings, stairwells and flats the sheet names but the database lacks"},
    "import.census_help": {"zh": "仅社区负责人和街道管理员可新建楼栋。",
                           "en": "Only community leaders and street administrators may add buildings."},
    "import.checking": {"zh": "正在逐行检查……", "en": "Checking every row…"},
    "import.problems": {"zh": "发现 {n} 处问题，未写入任何数据。请修改表格后重新上传。",
                        "en": "{n} problems found; nothing was written. Fix the sheet and upload it again."},
    "import.row": {"zh": "行", "en": "Row"},
    "import.problem": {"zh": "问题", "en": "Problem"},
    "import.ready": {"zh": "{rows} 行全部通过检查。确认后将一次性写入：",
                     "en": "All {rows} rows passed the checks. Confirming writes all of them at once:"},
    "import.what": {"zh": "项目", "en": "What"},
    "import.how_many": {"zh": "数量", "en": "How many"},
    "import.count.rows": {"zh": "行数", "en": "Rows"},
    "import.count.created": {"zh": "新增", "en": "New"},
    "import.count.updated": {"zh": "更新", "en": "Updated"},
    "import.count.unchanged": {"zh": "无变化", "en": "Unchanged"},
    "import.count.compounds_created": {"zh": "新建小区", "en": "New compounds"},
    "import.count.buildings_created": {"zh": "新建楼栋", "en": "New buildings"},
    "import.count.stairwells_created": {"zh": "新建单元", "en": "New stairwells"},
    "import.count.households_created": {"zh": "新建房屋", "en": "New flats"},
    "import.commit": {"zh": "确认导入", "en": "Import now"},
    "import.writing": {"zh": "正在写入……", "en": "Writing…"},
    "import.done": {"zh": "导入完成：新增 {created}，更新 {updated}，无变化 {unchanged}。已记入操作日志。",
                    "en": "Imported: {created} new, {updated} updated, {unchanged} unchanged. Logged."},
    "import.footprint_file": {"zh": "上传楼栋轮廓文件", "en": "Upload a building outline file"},
    "import.footprint_help": {
        "zh": "支持 GeoJSON、压缩的 Shapefile（.zip）、GeoPackage、KML、OpenStreetMap（.osm / .osm.pbf）。",
        "en": "GeoJSON, zipped Shapefile (.zip), GeoPackage, KML and OpenStreetMap (.osm / .osm.pbf).",
    },
    "import.layer": {"zh": "图层", "en": "Layer"},
    "import.declared": {"zh": "坐标来源", "en": "Coordinates came from"},
    "import.footprints_read": {"zh": "{file}：{n} 个图形，{clean} 个可用；坐标系 {crs}。",
                               "en": "{file}: {n} shapes, {clean} usable; coordinate system {crs}."},
    "import.name_column": {"zh": "楼栋名称所在属性", "en": "Attribute with the building name"},
    "import.floors_column": {"zh": "层数所在属性", "en": "Attribute with the floors"},
    "import.none": {"zh": "（无）", "en": "(none)"},
    "import.compound": {"zh": "只匹配此小区的楼栋", "en": "Match buildings of this compound only"},
    "import.any_compound": {"zh": "本社区所有小区", "en": "Every compound of the community"},
    "import.matching": {
        "zh": "已匹配 **{matched}** 个轮廓；**{unmatched}** 个轮廓找不到对应楼栋；**{buildings}** 栋登记楼栋没有轮廓。",
        "en": "**{matched}** outlines matched; **{unmatched}** outlines match no building; **{buildings}** "
              "registered buildings have no outline in this file.",
    },
    "import.preview_legend": {"zh": "导入预览", "en": "Import preview"},
    "import.matched": {"zh": "已匹配登记楼栋", "en": "Matches a building"},
    "import.unmatched": {"zh": "未匹配", "en": "No match"},
    "import.footprint_name": {"zh": "文件中的名称", "en": "Name in the file"},
    "import.footprint_report": {"zh": "检查报告（{n} 条）", "en": "Check report ({n} rows)"},
    "import.feature": {"zh": "图形编号", "en": "Shape"},
    "import.action": {"zh": "处理", "en": "Action"},
    "import.detail": {"zh": "说明", "en": "Detail"},
    "import.buildings_without": {
        "zh": "没有轮廓的登记楼栋（{n}）",
        "en": "Registered buildings without an outline ({n})",
    },
    "import.has_outline": {"zh": "已有轮廓", "en": "Has an outline"},
    "import.create_unmatched": {
        "zh": "把 {n} 个未匹配的轮廓新建为楼栋",
        "en": "Create {n} unmatched outlines as buildings",
    },
    "import.create_in": {"zh": "新建到小区", "en": "In compound"},
    "import.commit_footprints": {"zh": "确认写入轮廓", "en": "Write the outlines"},
    "import.footprints_done": {"zh": "已写入 {set} 个楼栋轮廓，新建 {created} 栋。已记入操作日志。",
                               "en": "{set} outlines written, {created} buildings created. Logged."},
    "backup.intro": {
        "zh": "备份包含全部数据（Parquet 格式，附校验清单）。也可在服务器上运行 `python -m resilient.backup create`。",
        "en": "A backup holds every table (Parquet, with a checksummed manifest). On the server: "
              "`python -m resilient.backup create`.",
    },
    "backup.restore": {"zh": "从备份恢复", "en": "Restore from a backup"},
    "backup.restore_warning": {
        "zh": "恢复会在下次重启应用时用备份替换当前数据库，原数据库文件保留在旁边。",
        "en": "A restore replaces the current database at the next restart of the app; the old file is kept beside.",
    },
    "backup.restore_file": {"zh": "上传备份 zip 文件", "en": "Upload a backup zip"},
    "backup.restore_now": {"zh": "检查并准备恢复", "en": "Check and prepare the restore"},
    "backup.restoring": {"zh": "正在检查并恢复……", "en": "Checking and restoring…"},
    "backup.restore_pending": {
        "zh": "备份（{created}）已通过检查并恢复到待启用文件，重启应用后生效。",
        "en": "The backup of {created} passed every check and waits; it takes effect when the app restarts.",
    },
    "backup.pending_exists": {"zh": "有一个待启用的恢复：重启应用后生效。",
                              "en": "A restore is waiting: it takes effect when the app restarts."},
    "nav.testing": {"zh": "全员核酸", "en": "Mass testing"},
    "testing.title": {"zh": "全员核酸检测（按楼栋分批）", "en": "Mass testing by building batches"},
    "testing.new_round": {"zh": "新建检测轮次", "en": "New testing round"},
    "testing.round_name": {"zh": "轮次名称", "en": "Round name"},
    "testing.round_default": {"zh": "{day} 全员核酸", "en": "Mass testing {day}"},
    "testing.round_date": {"zh": "日期", "en": "Date"},
    "testing.start_time": {"zh": "开始时间", "en": "Start"},
    "testing.pooling": {"zh": "混采方式", "en": "Pooling"},
    "testing.pool": {"zh": "{n}混1", "en": "{n}-in-1"},
    "testing.single": {"zh": "单采", "en": "Single"},
    "testing.household_tubes": {"zh": "封控小区：每户一管", "en": "Sealed compound: one tube per household"},
    "testing.create_round": {"zh": "创建", "en": "Create"},
    "testing.no_round": {"zh": "还没有检测轮次。", "en": "No testing round yet."},
    "testing.round": {"zh": "检测轮次", "en": "Round"},
    "testing.tab.plan": {"zh": "采样点与分批", "en": "Sites and batches"},
    "testing.tab.desk": {"zh": "采样登记", "en": "Desk"},
    "testing.tab.progress": {"zh": "进度", "en": "Progress"},
    "testing.tab.results": {"zh": "结果与追溯", "en": "Results and trace"},
    "testing.at_sites": {"zh": "到采样点", "en": "At sites"},
    "testing.door_to_door": {"zh": "上门采样", "en": "Door to door"},
    "testing.excluded": {"zh": "不参加（集中隔离等）", "en": "Not sampled (quarantined away)"},
    "testing.suggested": {"zh": "建议 采样点/采样台", "en": "Suggested sites / desks"},
    "testing.estimated_finish": {"zh": "按当前速度预计完成", "en": "Finish at the current pace"},
    "testing.excluded_list": {"zh": "不参加采样的居民（{n}）", "en": "Residents not sampled ({n})"},
    "testing.reason": {"zh": "原因", "en": "Reason"},
    "testing.reason.centralised": {"zh": "集中隔离或医学观察中", "en": "In centralised quarantine or observation"},
    "testing.section": {"zh": "功能", "en": "Section"},
    "testing.sizing_note": {
        "zh": "按国家指南：每 2000–3000 人设一个采样点，每 600–800 人一个采样台，约 {hours} 小时完成。",
        "en": "National guide: a site per 2,000-3,000 people, a desk per 600-800; about {hours} h to finish.",
    },
    "testing.sites": {"zh": "采样点", "en": "Sampling sites"},
    "testing.site_at": {"zh": "设在楼栋旁", "en": "Next to building"},
    "testing.desks": {"zh": "采样台数", "en": "Desks"},
    "testing.rate": {"zh": "每台每小时采样数", "en": "Swabs per desk per hour"},
    "testing.add_site": {"zh": "添加采样点", "en": "Add site"},
    "testing.site_name": {"zh": "{building}采样点", "en": "Site at {building}"},
    "testing.make_plan": {"zh": "生成分批计划", "en": "Plan the batches"},
    "testing.planned": {
        "zh": "计划完成：预计 {finish} 结束（理论最早 {bound}），最长排队 {wait} 分钟。",
        "en": "Planned: finishes {finish} (earliest possible {bound}); longest queue wait {wait} min.",
    },
    "testing.master": {"zh": "总表", "en": "All"},
    "testing.plan": {"zh": "分批计划", "en": "Batch plan"},
    "testing.call_down": {
        "zh": "下载楼长通知单（Excel，每栋一页）",
        "en": "Call-down sheets (Excel, one per building)",
    },
    "testing.group": {"zh": "批次", "en": "Group"},
    "testing.slot": {"zh": "时段", "en": "Slot"},
    "testing.site": {"zh": "采样点", "en": "Site"},
    "testing.route": {"zh": "上门采样路线", "en": "Door-to-door route"},
    "testing.stop": {"zh": "顺序", "en": "Stop"},
    "testing.no_sites": {"zh": "请先添加采样点。", "en": "Add a sampling site first."},
    "testing.tube_code": {"zh": "试管编号", "en": "Tube code"},
    "testing.open_tube": {"zh": "开管", "en": "Open"},
    "testing.tube_in_hand": {"zh": "当前试管 **{code}**：{n} / {cap}", "en": "Tube in hand **{code}**: {n} / {cap}"},
    "testing.close_tube": {"zh": "封管", "en": "Close tube"},
    "testing.find": {"zh": "查找居民：房号、手机尾号或扫码", "en": "Find: room, last phone digits or scan"},
    "testing.nobody": {"zh": "没有找到。", "en": "Nobody found."},
    "testing.done": {"zh": "已采（{tube}）", "en": "Done ({tube})"},
    "testing.record": {"zh": "采样", "en": "Sample"},
    "testing.recorded": {"zh": "{room} 已登记", "en": "{room} recorded"},
    "testing.nothing_planned": {"zh": "本轮还没有要采样的人。", "en": "Nobody to sample in this round yet."},
    "testing.sampled": {"zh": "已采样", "en": "Sampled"},
    "testing.expected": {"zh": "应采", "en": "Expected"},
    "testing.progress_legend": {"zh": "已采比例", "en": "Share sampled"},
    "testing.groups_due": {"zh": "当前时段批次", "en": "Groups due"},
    "testing.people_due": {"zh": "应到人数", "en": "People due"},
    "testing.last_30": {"zh": "近30分钟采样", "en": "Sampled, last 30 min"},
    "testing.open_tubes": {"zh": "未封试管", "en": "Open tubes"},
    "testing.call_list_for": {"zh": "未采样名单（单元）", "en": "Not yet sampled in"},
    "testing.not_yet": {"zh": "未采样", "en": "not yet sampled"},
    "testing.planned_curve": {"zh": "计划", "en": "Plan"},
    "testing.sampled_curve": {"zh": "实际", "en": "Sampled"},
    "testing.curve_title": {"zh": "累计采样人数", "en": "People sampled so far"},
    "testing.result": {"zh": "结果", "en": "Result"},
    "testing.negative": {"zh": "阴性", "en": "Negative"},
    "testing.positive": {"zh": "阳性", "en": "Positive"},
    "testing.save_result": {"zh": "登记结果", "en": "Save result"},
    "testing.result_saved": {"zh": "试管 {code} 结果已登记。", "en": "Result of tube {code} saved."},
    "testing.lab_file": {"zh": "导入检测机构结果表（第1列试管编号，第2列结果）",
                         "en": "Import the lab's sheet (column 1 tube code, column 2 result)"},
    "testing.import_lab": {"zh": "导入结果", "en": "Import results"},
    "testing.lab_done": {
        "zh": "已登记 {n} 管，其中阳性 {positive} 管。",
        "en": "{n} tubes recorded, {positive} positive.",
    },
    "testing.trace": {"zh": "阳性追溯", "en": "Trace a positive tube"},
    "testing.positive_tube": {"zh": "阳性试管编号", "en": "Positive tube code"},
    "testing.traced": {"zh": "该管 {people} 人，涉及 {households} 户、{stairwells} 个单元。",
                       "en": "{people} people in {households} households and {stairwells} stairwells."},
    "testing.taken_at": {"zh": "采样时间", "en": "Sampled at"},
    "testing.traced_on_map": {"zh": "这些单元在“进度”地图上以黑框标出。",
                              "en": "These stairwells are outlined in black on the progress map."},
    "testing.act": {"zh": "一键管控：这些户居家隔离，并生成单管复检名单",
                    "en": "Act: home isolation for these households and a single-tube re-test list"},
    "testing.acted": {
        "zh": "已处理：{households} 户 {people} 人，新增管控 {measures} 人（已在管 {already_under_measure} 人），"
              "复检 {retests} 人。",
        "en": "Done: {households} households, {people} people, {measures} new measures "
              "({already_under_measure} already under one), {retests} re-tests.",
    },
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

    # --- Imports of registers, staff and volunteers (resilient/register_import.py) ---

    # The file as a whole
    "import.error.empty": {
        "zh": "文件是空的，没有找到表头和数据",
        "en": "The file is empty: no header row and no data",
    },
    "import.error.unreadable": {
        "zh": "无法读取此文件：文件可能已损坏或不是表格，请另存为 .xlsx 或 .csv 后重试",
        "en": "This file cannot be read: it may be damaged or not a spreadsheet. Save it as .xlsx or .csv and retry",
    },
    "import.error.old_xls": {
        "zh": "{file} 是旧版 Excel（.xls）或带密码的文件，请在 Excel 中另存为 .xlsx 后再导入",
        "en": "{file} is an old Excel (.xls) or password-protected file: save it as .xlsx in Excel, then import",
    },
    "import.error.file_type": {
        "zh": "不支持的文件类型：{file}，请上传 .xlsx 或 .csv 文件",
        "en": "Unsupported file type: {file}. Upload an .xlsx or .csv file",
    },
    "import.error.no_sheet": {
        "zh": "工作簿中没有名为“{sheet}”的工作表",
        "en": "The workbook has no sheet named {sheet}",
    },
    "import.error.too_many_rows": {
        "zh": "数据超过 {limit} 行，请按社区拆分后分别导入",
        "en": "More than {limit} rows: split the file by community and import each part",
    },
    # Header row
    "import.error.missing_column": {"zh": "缺少“{label}”列", "en": "No column for {label_en}"},
    "import.error.column_twice": {
        "zh": "“{label}”对应了多列：{columns}，请只保留一列",
        "en": "Several columns hold {label_en}: {columns}. Keep one",
    },
    "import.error.no_such_column": {"zh": "文件中没有“{value}”列", "en": "The file has no column {value}"},
    "import.error.no_rows": {"zh": "表头下面没有数据行", "en": "No data rows below the header"},
    # Who may import what
    "import.error.not_allowed": {"zh": "您的角色不能导入名单", "en": "Your role may not import lists"},
    "import.error.community_out_of_scope": {
        "zh": "您不能向该社区导入数据（社区编号 {community_id}）",
        "en": "You may not import into this community (number {community_id})",
    },
    "import.error.outside_grid": {"zh": "{value} 不在您负责的网格内", "en": "{value} is not in your grid cells"},
    "import.error.outside_households": {
        "zh": "{building}{unit}单元{value} 不是您负责的住户",
        "en": "{building} unit {unit} room {value} is not one of your households",
    },
    "import.error.no_new_buildings": {
        "zh": "系统中没有 {value}，网格员不能新建楼栋，请联系社区",
        "en": "{value} does not exist, and grid workers may not add buildings: ask the community office",
    },
    # Cells
    "import.error.required": {"zh": "“{label}”不能为空", "en": "{label_en} is missing"},
    "import.error.value": {"zh": "无法识别的内容：{value}", "en": "Not understood: {value}"},
    "import.error.number": {"zh": "无法识别的数字：{value}", "en": "Not a number: {value}"},
    "import.error.id_length": {"zh": "身份证号 {value} 不是18位", "en": "ID number {value} is not 18 characters long"},
    "import.error.id_format": {
        "zh": "身份证号 {value} 格式错误（应为17位数字加1位数字或X）",
        "en": "ID number {value}: 17 digits then a digit or X expected",
    },
    "import.error.id_check_digit": {"zh": "身份证号 {value} 校验位错误", "en": "ID number {value}: wrong check digit"},
    "import.error.id_birth_date": {
        "zh": "身份证号 {value} 中的出生日期不存在",
        "en": "ID number {value}: the birth date in it does not exist",
    },
    "import.error.id_future_birth": {
        "zh": "身份证号 {value} 中的出生日期在今天之后",
        "en": "ID number {value}: the birth date in it is after today",
    },
    "import.error.id_scientific": {
        "zh": "身份证号 {value} 被 Excel 存成了数字，后几位已丢失；请把该列设为文本格式后重新填写",
        "en": "ID number {value} was stored by Excel as a number and lost its last digits: format the column "
              "as text and type it again",
    },
    "import.error.id_sex_mismatch": {
        "zh": "性别与身份证号 {value} 不符（身份证显示为{expected_zh}）",
        "en": "Sex does not match ID number {value} (the number says {expected_en})",
    },
    "import.error.id_birth_mismatch": {
        "zh": "出生日期与身份证号 {value} 不符（身份证显示为 {expected}）",
        "en": "Date of birth does not match ID number {value} (the number says {expected})",
    },
    "import.error.id_duplicate": {
        "zh": "身份证号 {value} 与第 {first_row} 行重复",
        "en": "ID number {value} already appears on row {first_row}",
    },
    "import.error.id_other_household": {
        "zh": "身份证号 {value} 已登记在另一户，请核实是否搬家",
        "en": "ID number {value} is already registered in another household: check whether the person moved",
    },
    "import.error.phone": {"zh": "电话 {value} 不是11位手机号", "en": "Phone {value} is not an 11-digit mobile number"},
    "import.error.phone_duplicate": {
        "zh": "电话 {value} 与第 {first_row} 行重复",
        "en": "Phone {value} already appears on row {first_row}",
    },
    "import.error.sex": {"zh": "性别“{value}”无法识别（应为男或女）", "en": "Sex {value} not understood (男 or 女)"},
    "import.error.date": {"zh": "日期“{value}”无法识别", "en": "Date {value} not understood"},
    "import.error.date_future": {"zh": "日期 {value} 在今天之后", "en": "Date {value} is after today"},
    "import.error.flag": {
        "zh": "“{value}”无法识别，请填写“是”或“否”",
        "en": "{value} not understood: fill in 是 (yes) or 否 (no)",
    },
    # Places
    "import.error.address": {
        "zh": "地址“{value}”无法识别（应如 3栋2单元1502）",
        "en": "Address {value} not understood (expected like 3栋2单元1502)",
    },
    "import.error.building": {"zh": "楼栋“{value}”无法识别", "en": "Building {value} not understood"},
    "import.error.unit": {"zh": "单元“{value}”无法识别", "en": "Unit {value} not understood"},
    "import.error.room": {
        "zh": "房号“{value}”无法识别（应为3-4位数字，如 302、1502）",
        "en": "Room {value} not understood (3-4 digits expected, like 302 or 1502)",
    },
    "import.error.floors": {"zh": "楼层数“{value}”无法识别", "en": "Number of floors {value} not understood"},
    "import.error.unknown_community": {"zh": "没有名为“{value}”的社区", "en": "No community named {value}"},
    "import.error.other_community": {
        "zh": "社区“{value}”不是当前导入的社区",
        "en": "Community {value} is not the one being imported into",
    },
    "import.error.unknown_compound": {"zh": "本社区没有名为“{value}”的小区", "en": "No compound named {value} here"},
    "import.error.compound_needed": {
        "zh": "新楼栋 {value} 属于哪个小区？请增加“小区”列",
        "en": "Which compound is the new building {value} in? Add a 小区 (compound) column",
    },
    "import.error.unknown_building": {"zh": "本社区没有 {value}", "en": "There is no {value} here"},
    "import.error.building_ambiguous": {
        "zh": "{value} 在多个小区都有（{compounds}），请增加“小区”列",
        "en": "{value} exists in several compounds ({compounds}): add a 小区 (compound) column",
    },
    "import.error.unknown_unit": {"zh": "{building} 没有 {value} 单元", "en": "{building} has no unit {value}"},
    "import.error.unknown_room": {
        "zh": "{building}{unit}单元没有 {value} 室",
        "en": "{building} unit {unit} has no room {value}",
    },
    "import.error.floor_above_building": {
        "zh": "房号 {value} 高于楼栋的 {floors} 层",
        "en": "Room {value} is above the building's {floors} floors",
    },
    "import.error.unknown_grid": {"zh": "本社区没有网格“{value}”", "en": "No grid cell named {value} here"},
    # Staff and volunteers
    "import.error.staff_role": {
        "zh": "岗位“{value}”无法识别（应为网格员、医生或民警）",
        "en": "Post {value} not understood (网格员 grid worker, 医生 doctor or 民警 police)",
    },
    "import.error.staff_role_changed": {
        "zh": "{value} 已登记为{old_zh}，岗位变更请在账户管理中处理",
        "en": "{value} is registered as {old_en}: change a post on the accounts page",
    },
    "import.error.grid_not_for_role": {
        "zh": "只有网格员负责网格（{value}）",
        "en": "Only grid workers look after grid cells ({value})",
    },
    "import.error.grid_twice": {
        "zh": "网格 {value} 已在第 {first_row} 行分配给他人",
        "en": "Grid cell {value} is already given to someone on row {first_row}",
    },
    "import.error.capacity": {
        "zh": "可服务户数“{value}”应为0-1000的整数",
        "en": "Households they can serve: {value} is not a whole number from 0 to 1000",
    },
    "import.error.status": {
        "zh": "状态“{value}”无法识别（应为在岗或停用）",
        "en": "Status {value} not understood (在岗 active or 停用 inactive)",
    },
    # Commit
    "import.error.has_problems": {
        "zh": "还有 {count} 个问题未解决，未导入任何数据",
        "en": "{count} problems left to fix; nothing was imported",
    },
    "import.error.changed_since_preview": {
        "zh": "预览后数据库已被修改，未导入任何数据，请重新检查后再导入",
        "en": "The database changed after the preview; nothing was imported. Check the file again, then import",
    },
    "import.error.integrity": {
        "zh": "导入会产生无效引用（{references}），未导入任何数据",
        "en": "The import would leave broken references ({references}); nothing was imported",
    },
    "import.error.wrong_kind": {
        "zh": "这份预览是{kind}名单，不能按此类型导入",
        "en": "This preview is a {kind} list and cannot be imported as another kind",
    },

    # --- Building footprints (geo/footprints.py, resilient/footprint_import.py) ---

    # Reading a file
    "footprint.error.format": {
        "zh": "无法读取“{file}”：只支持以下扩展名：{extensions}。",
        "en": "Cannot read “{file}”: only these extensions are supported: {extensions}.",
    },
    "footprint.error.empty": {
        "zh": "文件“{file}”是空的（0 字节）。",
        "en": "The file “{file}” is empty (0 bytes).",
    },
    "footprint.error.unreadable": {
        "zh": "文件“{file}”无法读取：可能已损坏、不完整，或不是其扩展名所示的格式。",
        "en": "The file “{file}” cannot be read: it may be damaged, cut short, or not the format its extension says.",
    },
    "footprint.error.wrong_format": {
        "zh": "文件“{file}”的扩展名表示 {expected}，但内容是 {found} 格式。请改正扩展名或重新导出。",
        "en": "The file “{file}” is named as {expected} but holds {found} data. Fix the extension or export again.",
    },
    "footprint.error.bad_zip": {
        "zh": "“{file}”不是有效的 zip 压缩包。",
        "en": "“{file}” is not a valid zip archive.",
    },
    "footprint.error.zip_too_large": {
        "zh": "压缩包“{file}”解压后超过 {limit_mb} MB，已停止读取。",
        "en": "The zip “{file}” unpacks to more than {limit_mb} MB; reading stopped.",
    },
    "footprint.error.zip_unsafe": {
        "zh": "压缩包“{file}”中的“{member}”路径不安全（绝对路径或含“..”），已拒绝。",
        "en": "The zip “{file}” holds an unsafe path “{member}” (absolute or with “..”); refused.",
    },
    "footprint.error.zip_no_shp": {
        "zh": "压缩包“{file}”里没有 .shp 文件。Shapefile 请连同 .shx、.dbf、.prj 一起压缩上传。",
        "en": "The zip “{file}” holds no .shp file. Zip a Shapefile together with its .shx, .dbf and .prj.",
    },
    "footprint.error.zip_missing_part": {
        "zh": "压缩包“{file}”中的图层“{layer}”缺少 {part} 文件。",
        "en": "Layer “{layer}” in the zip “{file}” lacks its {part} file.",
    },
    "footprint.error.no_layer": {
        "zh": "文件“{file}”中没有图层“{layer}”。可选图层：{layers}。",
        "en": "The file “{file}” has no layer “{layer}”. Layers: {layers}.",
    },
    "footprint.error.empty_layer": {
        "zh": "文件“{file}”的图层“{layer}”中没有任何建筑要素。",
        "en": "Layer “{layer}” of “{file}” holds no building features.",
    },
    "footprint.error.no_polygons": {
        "zh": "文件“{file}”的图层“{layer}”中没有面要素（只有点或线），无法作为建筑轮廓。",
        "en": "Layer “{layer}” of “{file}” holds no polygons (only points or lines), so no building outlines.",
    },
    "footprint.error.no_coordinates": {
        "zh": "文件“{file}”的图层“{layer}”中的坐标无效。",
        "en": "The coordinates in layer “{layer}” of “{file}” are not valid numbers.",
    },
    "footprint.error.no_crs": {
        "zh": "文件“{file}”的图层“{layer}”没有坐标系信息（如缺少 .prj），且坐标不是经纬度。请附上 .prj 文件后重试。",
        "en": "Layer “{layer}” of “{file}” has no coordinate system (e.g. no .prj) and its coordinates are not "
              "longitude/latitude. Add the .prj file and try again.",
    },
    "footprint.error.out_of_range": {
        "zh": "文件“{file}”的图层“{layer}”声明为经纬度坐标系（{crs}），但坐标超出经纬度范围。",
        "en": "Layer “{layer}” of “{file}” says its coordinates are longitude/latitude ({crs}), but they are out "
              "of range.",
    },
    "footprint.error.reprojection": {
        "zh": "无法把坐标从 {crs} 转换为 WGS-84 经纬度。",
        "en": "The coordinates cannot be converted from {crs} to WGS-84 longitude/latitude.",
    },
    # Importing into the register
    "footprint.error.not_allowed": {
        "zh": "您的角色无权导入建筑轮廓。",
        "en": "Your role may not import building footprints.",
    },
    "footprint.error.cannot_create": {
        "zh": "您的角色只能为已有楼栋设置轮廓，不能新建楼栋。",
        "en": "Your role may set footprints of existing buildings only, not create buildings.",
    },
    "footprint.error.out_of_scope": {
        "zh": "有 {count} 栋楼不在您的管辖范围内：{buildings}。未做任何更改。",
        "en": "{count} buildings are outside your area: {buildings}. Nothing was changed.",
    },
    "footprint.error.contested": {
        "zh": "同一栋楼匹配到多个轮廓：{buildings}。请先在文件中改正。",
        "en": "Several footprints match the same building: {buildings}. Correct the file first.",
    },
    "footprint.error.compound": {
        "zh": "所选小区（编号 {compound_id}）不属于本社区或不在您的管辖范围内。",
        "en": "The chosen compound (no. {compound_id}) is not in this community or not in your area.",
    },
    "footprint.error.not_clean": {
        "zh": "第 {feature} 个要素的轮廓无效，请重新检查文件后再导入。",
        "en": "Feature {feature} has an invalid outline; check the file again before importing.",
    },
    "footprint.error.nothing": {
        "zh": "“{file}”中没有可导入的轮廓：没有匹配到楼栋，也未选择新建楼栋的小区。",
        "en": "Nothing to import from “{file}”: no footprint matched a building and no compound was chosen for "
              "new buildings.",
    },
    # Report rows: {feature} is the feature's number in the file, {detail} the specifics
    "footprint.reason.empty": {
        "zh": "第 {feature} 个要素没有几何图形。",
        "en": "Feature {feature} has no geometry.",
    },
    "footprint.reason.not_polygon": {
        "zh": "第 {feature} 个要素不是面（{detail}）。",
        "en": "Feature {feature} is not a polygon ({detail}).",
    },
    "footprint.reason.collection": {
        "zh": "第 {feature} 个要素是几何集合，只保留其中的面。",
        "en": "Feature {feature} is a geometry collection; only its polygons were kept.",
    },
    "footprint.reason.invalid": {
        "zh": "第 {feature} 个要素的轮廓无效（{detail}）。",
        "en": "Feature {feature} has an invalid outline ({detail}).",
    },
    "footprint.reason.too_small": {
        "zh": "第 {feature} 个要素面积只有 {detail} 平方米，太小，不像建筑。",
        "en": "Feature {feature} covers only {detail} m², too small for a building.",
    },
    "footprint.reason.too_large": {
        "zh": "第 {feature} 个要素面积达 {detail} 平方米（超过 1 平方公里），不像单栋建筑。",
        "en": "Feature {feature} covers {detail} m² (over 1 km²), too large for one building.",
    },
    "footprint.reason.ambiguous": {
        "zh": "第 {feature} 个要素同时匹配多栋楼：{detail}。未导入，请在文件中写明小区。",
        "en": "Feature {feature} matches several buildings: {detail}. Not imported; name the compound in the file.",
    },
    "footprint.reason.contested": {
        "zh": "第 {feature} 个要素与其他要素匹配到同一栋楼（{detail}）。未导入。",
        "en": "Feature {feature} and another feature match the same building ({detail}). Not imported.",
    },
    "footprint.reason.floors_unreadable": {
        "zh": "第 {feature} 个要素的层数“{detail}”无法识别，层数未更新。",
        "en": "Feature {feature}: floors “{detail}” not understood; floors left unchanged.",
    },
    # Actions in report rows
    "footprint.action.skipped": {"zh": "已跳过", "en": "skipped"},
    "footprint.action.repaired": {"zh": "已修复", "en": "repaired"},
    "footprint.action.rejected": {"zh": "已拒绝", "en": "rejected"},
    "footprint.action.not_matched": {"zh": "未匹配", "en": "not matched"},
    "footprint.action.ignored": {"zh": "已忽略", "en": "ignored"},
    # Coordinates declared on the page
    "footprint.declared.file": {"zh": "按文件中的坐标系", "en": "As the file says"},
    "footprint.declared.gcj02": {"zh": "来自高德/腾讯地图（GCJ-02）", "en": "From AMap/Tencent maps (GCJ-02)"},
    "footprint.declared.bd09": {"zh": "来自百度地图（BD-09）", "en": "From Baidu maps (BD-09)"},

    # --- Basemaps and backups (geo/basemaps.py, resilient/backup.py) ---

    # Basemap menu (the overview's format_func asks for overview.basemap.<key>; plain and osm exist already).
    "overview.basemap.tianditu": {"zh": "天地图（需联网）", "en": "Tianditu (needs internet)"},
    "overview.basemap.gaode": {"zh": "高德地图（需联网）", "en": "Gaode / AMap (needs internet)"},
    "overview.basemap.gcj02_note": {
        "zh": "高德底图采用 GCJ-02 坐标：图形仅在显示时做了相应偏移，数据仍按 WGS-84 保存。",
        "en": "Gaode tiles use GCJ-02 coordinates: shapes are shifted to match them on screen only; "
              "the data stays in WGS-84.",
    },
    # Backups: what the page and the command line say when it worked.
    "backup.title": {"zh": "数据备份", "en": "Backups"},
    "backup.download": {"zh": "下载完整备份（zip）", "en": "Download a full backup (zip)"},
    "backup.created": {"zh": "备份已创建：{path}", "en": "Backup created: {path}"},
    "backup.restored": {
        "zh": "已恢复到新数据库文件：{path}（{tables} 张表）。停止看板，用它替换原数据库文件"
              "（或将 RC_DB_PATH 指向它）后再启动。",
        "en": "Restored into a new database file: {path} ({tables} tables). Stop the dashboard, put it in place of "
              "the old file (or point RC_DB_PATH at it), then start again.",
    },
    # Backups: refusals. Each leaves the database and the restore target as they were.
    "backup.error.locked": {
        "zh": "数据库文件 {path} 正被另一个程序（通常是正在运行的看板）占用，无法打开。"
              "请先停止该程序，或由街道管理员在看板中下载备份。",
        "en": "The database file {path} is in use by another program (usually the running dashboard) and cannot "
              "be opened. Stop that program first, or have a street administrator download a backup in the "
              "dashboard.",
    },
    "backup.error.no_database": {"zh": "找不到数据库文件 {path}。", "en": "There is no database file at {path}."},
    "backup.error.not_found": {"zh": "找不到备份 {path}。", "en": "There is no backup at {path}."},
    "backup.error.not_a_backup": {
        "zh": "{path} 不是本系统的备份（缺少或无法读取 manifest.json，或 zip 文件已损坏）。",
        "en": "{path} is not a backup of this system (manifest.json is missing or unreadable, or the zip file "
              "is damaged).",
    },
    "backup.error.incomplete": {
        "zh": "备份不完整：缺少文件 {file}。未创建目标数据库。",
        "en": "The backup is incomplete: the file {file} is missing. No database was created.",
    },
    "backup.error.corrupt": {
        "zh": "备份已损坏：文件 {file} 与备份清单中的校验值不符。未创建目标数据库。",
        "en": "The backup is damaged: the file {file} does not match the checksum in its manifest. "
              "No database was created.",
    },
    "backup.error.count_mismatch": {
        "zh": "恢复后表 {table} 有 {found} 行，备份清单记录为 {expected} 行。未创建目标数据库。",
        "en": "After restoring, table {table} has {found} rows where the manifest says {expected}. "
              "No database was created.",
    },
    "backup.error.macro_missing": {
        "zh": "恢复后缺少数据库宏 {name}。未创建目标数据库。",
        "en": "After restoring, the database macro {name} is missing. No database was created.",
    },
    "backup.error.sequence": {
        "zh": "恢复后操作日志编号将从 {next} 继续，但已有编号到 {last}。未创建目标数据库。",
        "en": "After restoring, audit log numbers would continue at {next} but already reach {last}. "
              "No database was created.",
    },
    "backup.error.newer_schema": {
        "zh": "此备份来自更新版本的系统（数据库结构版本 {version}，本系统最高为 {known}），请先升级系统再恢复。",
        "en": "This backup comes from a newer version of the system (schema version {version}; this one knows up "
              "to {known}). Upgrade before restoring it.",
    },
    "backup.error.target_exists": {
        "zh": "目标文件 {path} 已存在。恢复只写入新文件，不会覆盖现有数据库。",
        "en": "The target file {path} already exists. A restore only writes a new file; it never overwrites "
              "a database.",
    },
    "backup.error.import_failed": {
        "zh": "导入备份失败：{reason}。未创建目标数据库。",
        "en": "Importing the backup failed: {reason}. No database was created.",
    },

    # --- Mass testing (resilient/testing.py) ---

    "testing.error.not_allowed": {
        "zh": "您的角色不能进行此项核酸检测操作。",
        "en": "Your role may not do this in a testing round.",
    },
    "testing.error.out_of_scope": {
        "zh": "该居民或楼栋不在您的管辖范围内。",
        "en": "This resident or building is outside the area you look after.",
    },
    "testing.error.unknown_round": {
        "zh": "找不到第 {round_id} 号检测轮次。",
        "en": "There is no testing round {round_id}.",
    },
    "testing.error.pool_size": {
        "zh": "混采人数只能是 1、5、10 或 20（当前为 {pool_size}）。",
        "en": "Pooling must be 1, 5, 10 or 20 swabs per tube (not {pool_size}).",
    },
    "testing.error.name": {
        "zh": "请填写名称。",
        "en": "Please give a name.",
    },
    "testing.error.site_capacity": {
        "zh": "采样点至少需要 1 个采样台，每台每小时采样人数须大于 0。",
        "en": "A site needs at least one desk and more than 0 swabs per desk and hour.",
    },
    "testing.error.site_place": {
        "zh": "请在地图上选择采样点位置，或选择所在楼栋。",
        "en": "Place the site on the map or pick the building it stands at.",
    },
    "testing.error.unknown_site": {
        "zh": "采样点 {site_id} 不属于本轮检测。",
        "en": "Site {site_id} does not belong to this round.",
    },
    "testing.error.plan_columns": {
        "zh": "表格缺少以下列：{columns}。",
        "en": "The table lacks these columns: {columns}.",
    },
    "testing.error.plan_site": {
        "zh": "排班计划中的采样点 {sites} 不属于本轮检测，计划未保存。",
        "en": "The plan uses sites {sites}, which are not in this round; nothing was saved.",
    },
    "testing.error.bad_query": {
        "zh": "无法识别“{query}”：请输入房号（如 3-2-1502）、手机尾号 4-6 位或扫描居民码（如 R123）。",
        "en": "“{query}” is not understood: enter a room (3-2-1502), the phone's last 4-6 digits or scan a code "
              "(R123).",
    },
    "testing.error.tube_code": {
        "zh": "请扫描或输入试管编号。",
        "en": "Scan or type the tube's code.",
    },
    "testing.error.tube_exists": {
        "zh": "试管 {code} 在本轮已使用，请换一支试管。",
        "en": "Tube {code} is already used in this round; take another tube.",
    },
    "testing.error.tube_unknown": {
        "zh": "本轮没有编号为 {code} 的试管，请先开管。",
        "en": "There is no tube {code} in this round; open it first.",
    },
    "testing.error.tube_full": {
        "zh": "试管 {code} 已满（{capacity} 人），请封管并开新管。",
        "en": "Tube {code} is full ({capacity} swabs); close it and open a new one.",
    },
    "testing.error.tube_closed": {
        "zh": "试管 {code} 已封管，不能再加样本。",
        "en": "Tube {code} is closed and takes no more swabs.",
    },
    "testing.error.tube_open": {
        "zh": "试管 {code} 尚未封管，不能录入检测结果。",
        "en": "Tube {code} is still open; a result can only be recorded for a closed tube.",
    },
    "testing.error.other_household": {
        "zh": "本轮一户一管：试管 {code} 已装有另一户的样本。",
        "en": "One tube per household in this round: tube {code} already holds another household's swabs.",
    },
    "testing.error.already_sampled": {
        "zh": "此人本轮已于 {at} 采样（试管 {tube}），未重复登记。",
        "en": "Already sampled in this round at {at} (tube {tube}); not counted again.",
    },
    "testing.error.not_in_community": {
        "zh": "居民 {resident_id} 不属于本轮检测的社区。",
        "en": "Resident {resident_id} is not registered in this round's community.",
    },
    "testing.error.busy": {
        "zh": "多个采样台同时登记，暂未保存，请再点一次。",
        "en": "Several desks were saving at once and this was not saved; please press again.",
    },
    "testing.error.bad_result": {
        "zh": "结果只能是“阴性”或“阳性”。",
        "en": "A result must be negative or positive.",
    },
    "testing.error.result_exists": {
        "zh": "试管 {code} 已有不同的检测结果，未覆盖。",
        "en": "Tube {code} already has a different result; it was not overwritten.",
    },
    "testing.error.result_twice": {
        "zh": "同一试管在文件中出现两个不同结果。",
        "en": "The file gives this tube two different results.",
    },
    "testing.error.import_problems": {
        "zh": "检测结果文件有 {n} 处问题，未导入任何结果：",
        "en": "The lab file has {n} problems; no result was imported:",
    },
    "testing.error.not_positive": {
        "zh": "试管 {code} 不是阳性，无需处置。",
        "en": "Tube {code} is not positive; there is nothing to act on.",
    },

    # --- Volunteer coverage (resilient/coverage.py; its page comes with issue 6) ---
    "coverage.error.not_allowed": {"zh": "您的角色无权执行此操作。", "en": "Your role may not do this."},
    "coverage.error.busy": {"zh": "系统繁忙，请重试。", "en": "The system is busy, please try again."},
    "coverage.error.settings": {"zh": "覆盖设置无效：{reasons}", "en": "Invalid coverage settings: {reasons}"},
    "coverage.error.kind": {"zh": "未知的联系方式：{kind}", "en": "Unknown contact kind: {kind}"},
    "coverage.error.not_assigned": {"zh": "住户 {household_id} 未分配给该志愿者。",
                                    "en": "Household {household_id} is not assigned to this volunteer."},
    "coverage.error.out_of_scope": {"zh": "住户 {household_id} 不在您的管辖范围内。",
                                    "en": "Household {household_id} is outside your area."},
    "coverage.error.capacity": {"zh": "志愿者 {volunteer_id} 已满额，建议已过时，请重新计算。",
                                "en": "Volunteer {volunteer_id} is at capacity: the suggestion is out of date."},

    # --- Coverage page (views/coverage.py) ---
    "coverage.list_of": {"zh": "名单", "en": "List of"},
    "coverage.list_of.volunteer": {"zh": "志愿者包保户", "en": "A volunteer's households"},
    "coverage.list_of.leader": {"zh": "楼长负责楼栋", "en": "A building leader's building"},
    "coverage.leader": {"zh": "楼长", "en": "Building leader"},
    "coverage.no_leaders": {"zh": "还没有指定楼长。", "en": "No building leaders named yet."},
    "coverage.unit_of": {"zh": "{building}{unit}单元", "en": "{building} unit {unit}"},
    "coverage.no_vulnerable_led": {"zh": "负责的楼栋里没有需关照户。",
                                   "en": "No vulnerable households in the building(s) led."},
    "coverage.leader_file": {"zh": "楼长名单", "en": "building-leader-list"},
    "coverage.designate": {"zh": "指定楼长", "en": "Name a building leader"},
    "coverage.whole_building": {"zh": "整栋楼", "en": "Whole building"},
    "coverage.designate_save": {"zh": "指定", "en": "Name leader"},
    "coverage.designated": {"zh": "{name} 自今天起担任 {place} 楼长。",
                            "en": "{name} leads {place} from today."},
    "coverage.error.building_out_of_scope": {"zh": "楼栋 {building_id} 不在您的管辖范围内。",
                                             "en": "Building {building_id} is outside your area."},
    "coverage.error.volunteer_out_of_scope": {"zh": "志愿者 {volunteer_id} 不在您的管辖范围内。",
                                              "en": "Volunteer {volunteer_id} is outside your area."},
    "nav.coverage": {"zh": "志愿者包保", "en": "Volunteer coverage"},
    "coverage.title": {"zh": "志愿者包保覆盖", "en": "Volunteer coverage"},
    "coverage.section": {"zh": "板块", "en": "Section"},
    "coverage.tab.map": {"zh": "缺口地图", "en": "Gap map"},
    "coverage.tab.gaps": {"zh": "缺口清单", "en": "Gaps"},
    "coverage.tab.suggest": {"zh": "建议分配", "en": "Suggested assignments"},
    "coverage.tab.lists": {"zh": "包保名单", "en": "Lists"},
    "coverage.tab.settings": {"zh": "规则设置", "en": "Rules"},
    "coverage.kpi.vulnerable": {"zh": "需关照户", "en": "Vulnerable households"},
    "coverage.kpi.covered": {"zh": "已覆盖", "en": "Covered"},
    "coverage.kpi.covered_help": {
        "zh": "{n} 户有 {reach} 米内、未超负荷的在岗志愿者包保。",
        "en": "{n} households have an active volunteer within {reach} m who is not over capacity.",
    },
    "coverage.kpi.not_contacted": {"zh": "{days}天未联系", "en": "Not contacted {days} days"},
    "coverage.kpi.overloaded_volunteers": {"zh": "超负荷志愿者", "en": "Overloaded volunteers"},
    "coverage.kpi.overloaded_teams": {"zh": "超负荷小组", "en": "Overloaded teams"},
    "coverage.record": {"zh": "记下{kind}", "en": "Record: {kind}"},
    "coverage.kpi.teams_help": {"zh": "每个三包一小组标准负荷 {n} 名居家隔离人员。",
                                "en": "Standard load: {n} home-isolated people per 三包一 team."},
    "coverage.need.elderly_alone": {"zh": "独居老人", "en": "Elderly living alone"},
    "coverage.need.elderly_only": {"zh": "纯老户", "en": "Elderly-only household"},
    "coverage.need.disabled": {"zh": "残疾", "en": "Disabled"},
    "coverage.need.bedridden": {"zh": "卧床", "en": "Bedridden"},
    "coverage.need.chronic_illness": {"zh": "慢病需用药", "en": "Chronic illness (medicine)"},
    "coverage.need.low_income": {"zh": "低保困难", "en": "Low income"},
    "coverage.need.pregnant": {"zh": "孕产妇", "en": "Pregnant"},
    "coverage.need.home_isolation": {"zh": "居家隔离", "en": "Home isolation"},
    "coverage.need.home_observation": {"zh": "居家观察", "en": "Home observation"},
    "coverage.gap.assigned_out_of_reach": {"zh": "包保志愿者住得太远", "en": "Assigned volunteer lives too far"},
    "coverage.gap.no_volunteer_in_reach": {"zh": "附近无志愿者", "en": "No volunteer in reach"},
    "coverage.gap.all_in_reach_full": {"zh": "附近志愿者已满额", "en": "All in reach are full"},
    "coverage.gap.not_assigned": {"zh": "未分配（附近有空位）", "en": "Not assigned (room nearby)"},
    "coverage.gap.volunteer_over_capacity": {"zh": "志愿者超负荷", "en": "Volunteer over capacity"},
    "coverage.gap.team_overloaded": {"zh": "三包一小组超负荷", "en": "三包一 team overloaded"},
    "coverage.gap.not_contacted": {"zh": "多日未联系", "en": "Not contacted lately"},
    "coverage.covered": {"zh": "已覆盖", "en": "Covered"},
    "coverage.kind.call": {"zh": "电话", "en": "Call"},
    "coverage.kind.visit": {"zh": "上门", "en": "Visit"},
    "coverage.kind.delivery": {"zh": "送物资", "en": "Delivery"},
    "coverage.load.room": {"zh": "有空位", "en": "Has room"},
    "coverage.load.full": {"zh": "已满额", "en": "Full"},
    "coverage.load.over": {"zh": "超负荷", "en": "Over capacity"},
    "coverage.load.inactive": {"zh": "暂停服务", "en": "Not active"},
    "coverage.col.vulnerable": {"zh": "需关照户", "en": "Vulnerable"},
    "coverage.col.uncovered": {"zh": "未覆盖户", "en": "Uncovered"},
    "coverage.col.not_contacted": {"zh": "多日未联系", "en": "Not contacted"},
    "coverage.col.load": {"zh": "包保户数/上限", "en": "Households / capacity"},
    "coverage.col.unit_room": {"zh": "单元房号", "en": "Unit, room"},
    "coverage.col.needs": {"zh": "关照原因", "en": "Needs"},
    "coverage.col.last_contact": {"zh": "上次联系", "en": "Last contact"},
    "coverage.col.gap": {"zh": "缺口原因", "en": "Gap"},
    "coverage.col.apply": {"zh": "采用", "en": "Apply"},
    "coverage.col.volunteer": {"zh": "志愿者", "en": "Volunteer"},
    "coverage.col.household": {"zh": "住户", "en": "Household"},
    "coverage.col.distance": {"zh": "步行距离（米）", "en": "Walk (m)"},
    "coverage.col.why": {"zh": "未能覆盖的原因", "en": "Why left uncovered"},
    "coverage.unit_room": {"zh": "{unit}单元{room}", "en": "unit {unit}, {room}"},
    "coverage.never": {"zh": "从未联系", "en": "Never"},
    "coverage.days_ago": {"zh": "{days}天前", "en": "{days} days ago"},
    "coverage.today_at": {"zh": "今天 {time}", "en": "Today {time}"},
    "coverage.legend": {"zh": "未覆盖的需关照户", "en": "Uncovered vulnerable households"},
    "coverage.legend_none": {"zh": "无缺口", "en": "No gap"},
    "coverage.volunteers": {"zh": "志愿者（住址）", "en": "Volunteers (home)"},
    "coverage.map_help": {
        "zh": "楼栋颜色越深，未被包保的需关照户越多；圆点是志愿者住处，颜色表示负荷。点击楼栋查看缺口住户。",
        "en": "Darker buildings have more uncovered vulnerable households; dots are volunteers' homes, coloured by "
              "load. Click a building for its households with gaps.",
    },
    "coverage.building_gaps": {"zh": "{compound}{building} 的缺口住户", "en": "Gaps in {building} ({compound})"},
    "coverage.no_gaps_here": {"zh": "这栋楼的需关照户都已覆盖并按时联系。",
                              "en": "Every vulnerable household here is covered and contacted."},
    "coverage.no_gaps": {"zh": "所有需关照户都已覆盖并按时联系。",
                         "en": "Every vulnerable household is covered and contacted."},
    "coverage.gap_filter": {"zh": "按缺口原因筛选", "en": "Filter by gap"},
    "coverage.gap_help": {
        "zh": "列出未被覆盖（{reach} 米内无在岗且未超负荷的包保志愿者）或 {days} 天以上未联系的需关照户。",
        "en": "Households not covered (no active volunteer within {reach} m who is under capacity) or not "
              "contacted for {days} days or more.",
    },
    "coverage.gaps_file": {"zh": "包保缺口清单", "en": "coverage-gaps"},
    "coverage.list_file": {"zh": "志愿者包保名单", "en": "volunteer-list"},
    "coverage.managers_only": {"zh": "只有社区、网格负责人可以修改分配和规则。",
                               "en": "Only community leaders and grid workers change assignments and rules."},
    "coverage.suggest_help": {
        "zh": "在每位志愿者的上限内，先让尽可能多的需关照户有人包保，再让步行距离总和最短（{reach} 米以内）。"
              "现有分配保持不变，只增加新的。",
        "en": "Within every volunteer's capacity: as many vulnerable households covered as possible, then the "
              "least total walking (within {reach} m). Current assignments stay; only new ones are added.",
    },
    "coverage.compute": {"zh": "计算建议分配", "en": "Compute suggestions"},
    "coverage.covered_now": {"zh": "目前覆盖", "en": "Covered now"},
    "coverage.covered_after": {"zh": "采用后覆盖", "en": "Covered after"},
    "coverage.walking": {"zh": "新增步行总距离", "en": "Added walking"},
    "coverage.solved_in": {"zh": "精确求解，用时 {seconds} 秒。", "en": "Exact solution in {seconds} s."},
    "coverage.nothing_to_add": {"zh": "没有可以新增的分配：附近志愿者已满额或没有志愿者。",
                                "en": "Nothing to add: volunteers in reach are full, or there are none."},
    "coverage.apply": {"zh": "采用选中的 {n} 条分配", "en": "Apply {n} chosen assignments"},
    "coverage.applied": {"zh": "已写入 {n} 条分配。", "en": "{n} assignments written."},
    "coverage.left_uncovered": {"zh": "仍无法覆盖的 {n} 户", "en": "{n} households still uncovered"},
    "coverage.why.no_volunteer_in_reach": {
        "zh": "{reach} 米内没有在岗志愿者：请招募本楼或邻近楼栋的志愿者，或放宽步行距离。",
        "en": "No active volunteer lives within {reach} m: recruit one nearby, or widen the reach.",
    },
    "coverage.why.all_in_reach_full": {
        "zh": "{reach} 米内的志愿者都已满额：请提高其上限或招募新志愿者。",
        "en": "Every volunteer within {reach} m is full: raise a capacity or recruit another.",
    },
    "coverage.no_volunteers": {"zh": "范围内没有在岗志愿者。", "en": "No active volunteers in your area."},
    "coverage.volunteer_option": {"zh": "{name}（{assigned}/{capacity} 户）",
                                  "en": "{name} ({assigned}/{capacity} households)"},
    "coverage.no_households": {"zh": "暂无包保住户。", "en": "No households assigned."},
    "coverage.contact_kind": {"zh": "联系方式（先选，再点住户的按钮）",
                              "en": "Contact kind (choose, then tap the household's button)"},
    "coverage.record_help": {"zh": "联系过一户，就点它右边的按钮记下。",
                             "en": "After contacting a household, tap its button to record it."},
    "coverage.no_needs": {"zh": "已无关照需求", "en": "No longer in need"},
    "coverage.recorded": {"zh": "已记录：{household} {kind}", "en": "Recorded: {kind}, {household}"},
    "coverage.setting.age": {"zh": "老人年龄（岁及以上）", "en": "Elderly from age"},
    "coverage.setting.reach": {"zh": "步行距离（米）", "en": "Walking reach (m)"},
    "coverage.setting.days": {"zh": "几天未联系算超期", "en": "Days without contact flagged"},
    "coverage.setting.team": {"zh": "三包一标准负荷（人）", "en": "三包一 team standard load (people)"},
    "coverage.setting.reasons": {"zh": "计入需关照的原因", "en": "Reasons that count"},
    "coverage.setting.save": {"zh": "保存规则", "en": "Save rules"},
    "coverage.setting.saved": {"zh": "规则已保存。", "en": "Rules saved."},
    "coverage.setting.note": {"zh": "规则保存在数据库中，修改会记入操作日志，立即生效。",
                              "en": "Rules are stored in the database; changes are logged and apply at once."},

    # --- Control measures day by day (issue 7: arrivals, teams, checks, releases, daily report) ---

    # audit actions
    "action.arrival_registered": {"zh": "登记到达人员", "en": "Arrival registered"},
    "action.arrival_rules_saved": {"zh": "修改到达管控规则", "en": "Arrival rules changed"},
    "action.arrival_sheet_imported": {"zh": "导入到达登记表", "en": "Arrival sheet imported"},
    "action.daily_settings_saved": {"zh": "修改体温监测设置", "en": "Check settings changed"},
    "action.fever_alert_handled": {"zh": "处置发热预警", "en": "Fever alert handled"},
    "action.follower_reassigned": {"zh": "调整跟进人员", "en": "Follower reassigned"},
    "action.health_check_corrected": {"zh": "更正体温记录", "en": "Check corrected"},
    "action.health_check_recorded": {"zh": "录入体温", "en": "Check recorded"},
    "action.measure_extended": {"zh": "延长管控", "en": "Measure extended"},
    "action.measure_released": {"zh": "解除管控", "en": "Measure released"},
    "action.measure_transferred": {"zh": "转运", "en": "Measure transferred"},
    "action.team_assigned": {"zh": "分配三包一小组", "en": "Team assigned"},
    "action.team_created": {"zh": "新建三包一小组", "en": "Team created"},
    # words the pages show
    "risk.high": {"zh": "高风险", "en": "Higher risk"},
    "risk.low": {"zh": "低风险", "en": "Lower risk"},
    "period.am": {"zh": "上午", "en": "Morning"},
    "period.pm": {"zh": "下午", "en": "Afternoon"},
    "check.status.done": {"zh": "已测", "en": "Done"},
    "check.status.late": {"zh": "迟报", "en": "Late"},
    "check.status.due": {"zh": "待测", "en": "Due"},
    "check.status.missed": {"zh": "漏报", "en": "Missed"},
    "check.status.not_required": {"zh": "无需", "en": "Not required"},
    "symptom.cough": {"zh": "咳嗽", "en": "Cough"},
    "symptom.sore_throat": {"zh": "咽痛", "en": "Sore throat"},
    "symptom.fatigue": {"zh": "乏力", "en": "Fatigue"},
    "symptom.short_breath": {"zh": "气促", "en": "Short of breath"},
    "symptom.diarrhoea": {"zh": "腹泻", "en": "Diarrhoea"},
    "symptom.taste_smell": {"zh": "嗅觉味觉减退", "en": "Loss of taste or smell"},
    "symptom.muscle_ache": {"zh": "肌肉酸痛", "en": "Muscle ache"},
    "symptom.other": {"zh": "其他症状", "en": "Other symptom"},
    "release.due.overdue": {"zh": "已逾期", "en": "Overdue"},
    "release.due.today": {"zh": "今日到期", "en": "Due today"},
    "release.due.tomorrow": {"zh": "明日到期", "en": "Due tomorrow"},
    "transfer.hospital": {"zh": "转送医院", "en": "To hospital"},
    "transfer.centralised_quarantine": {"zh": "转集中隔离", "en": "To centralised quarantine"},
    "event.arrival": {"zh": "到达登记", "en": "Arrived"},
    "event.created": {"zh": "开始管控", "en": "Measure started"},
    "event.extended": {"zh": "延长管控", "en": "Extended"},
    "event.released": {"zh": "解除管控", "en": "Released"},
    "event.transferred": {"zh": "转运", "en": "Transferred"},
    "event.reassigned": {"zh": "更换跟进人员", "en": "Reassigned"},
    "event.team_assigned": {"zh": "分配三包一小组", "en": "Team assigned"},
    "event.check_corrected": {"zh": "更正体温记录", "en": "Check corrected"},
    # refusals shared by the day-by-day modules
    "daily.error.not_allowed": {"zh": "您的角色无权执行此操作。", "en": "Your role may not do this."},
    "daily.error.busy": {"zh": "多人同时保存，暂未保存，请再点一次。",
                         "en": "Several people were saving at once and this was not saved; please press again."},
    "daily.error.out_of_scope": {"zh": "该居民或管控记录（{measure_id}）不在您的管辖范围内。",
                                 "en": "This resident or measure ({measure_id}) is outside the area you look after."},
    "daily.error.unknown_measure": {"zh": "找不到第 {measure_id} 号管控记录。",
                                    "en": "There is no control measure {measure_id}."},
    "daily.error.reason_required": {"zh": "请填写原因（{field}）。", "en": "Please give a reason ({field})."},
    "daily.error.settings": {"zh": "设置无效：{field}", "en": "Invalid settings: {field}"},
    # arrivals
    "arrivals.error.rules_invalid": {"zh": "管控规则表有 {n} 处问题（首处在第 {row} 行），未保存：",
                                     "en": "The rules table has {n} problems (the first in row {row}); "
                                           "nothing was saved:"},
    "arrivals.error.rule_column": {"zh": "规则表缺少列：{value}", "en": "The rules table lacks column {value}"},
    "arrivals.error.rule_origin": {"zh": "第 {row} 行：来源类别“{value}”无效", "en": "Row {row}: unknown origin "
                                   "“{value}”"},
    "arrivals.error.rule_risk": {"zh": "第 {row} 行：风险等级“{value}”无效", "en": "Row {row}: unknown risk "
                                 "“{value}”"},
    "arrivals.error.rule_category": {"zh": "第 {row} 行：管控措施“{value}”无效",
                                     "en": "Row {row}: unknown measure “{value}”"},
    "arrivals.error.rule_days": {"zh": "第 {row} 行：天数“{value}”须为 1 至 {max} 的整数",
                                 "en": "Row {row}: days “{value}” must be a whole number from 1 to {max}"},
    "arrivals.error.rule_twice": {"zh": "第 {row} 行：{origin}/{risk} 与第 {first} 行重复",
                                  "en": "Row {row}: {origin}/{risk} repeats row {first}"},
    "arrivals.error.rule_missing": {"zh": "缺少 {origin}/{risk} 的规则", "en": "No rule for {origin}/{risk}"},
    "arrivals.error.origin": {"zh": "来源类别“{value}”无效（境外、重点地区、其他地区、密接）。",
                              "en": "Unknown origin “{value}” (abroad, key area, other area, close contact)."},
    "arrivals.error.risk": {"zh": "风险等级“{value}”无效（高或低）。", "en": "Unknown risk “{value}” (high or low)."},
    "arrivals.error.category": {"zh": "管控措施“{value}”无效。", "en": "Unknown measure “{value}”."},
    "arrivals.error.days": {"zh": "天数“{value}”须为 1 至 {max} 的整数。",
                            "en": "Days “{value}” must be a whole number from 1 to {max}."},
    "arrivals.error.temperature": {"zh": "体温“{value}”无效。", "en": "Temperature “{value}” is not valid."},
    "arrivals.error.reason_required": {
        "zh": "所选措施与规则建议（{suggested}，{days} 天）不同，请填写原因。",
        "en": "The decision differs from the rules' suggestion ({suggested}, {days} days): please give a reason."},
    "arrivals.error.future_date": {"zh": "到达日期 {value} 晚于今天。", "en": "Arrival date {value} is after today."},
    "arrivals.error.who": {"zh": "请选择已登记居民，或填写新来人员信息（二选一）。",
                           "en": "Pick a registered resident or enter a newcomer (one of the two)."},
    "arrivals.error.name": {"zh": "请填写姓名。", "en": "Please give the name."},
    "arrivals.error.resident_out_of_scope": {"zh": "居民 {resident_id} 不在您的管辖范围内。",
                                             "en": "Resident {resident_id} is outside the area you look after."},
    "arrivals.error.flat_out_of_scope": {"zh": "住户 {household_id} 不在您的管辖范围内。",
                                         "en": "Household {household_id} is outside the area you look after."},
    "arrivals.error.under_measure": {"zh": "居民 {resident_id} 正在{category}，至 {until}，未重复登记。",
                                     "en": "Resident {resident_id} is already under {category} until {until}; "
                                           "not registered again."},
    "arrivals.error.id_known": {"zh": "证件号 {value} 已登记为居民 {resident_id}，请按已登记居民登记到达。",
                                "en": "ID {value} is registered as resident {resident_id}: register their arrival "
                                      "as a resident."},
    "arrivals.error.missing_column": {"zh": "表格缺少必需的列：{field}", "en": "The sheet lacks a required column: "
                                      "{field}"},
    "arrivals.error.required": {"zh": "必填项为空：{field}", "en": "Required value is empty: {field}"},
    "arrivals.error.duplicate_id": {"zh": "证件号 {value} 与第 {first} 行重复", "en": "ID {value} repeats row "
                                    "{first}"},
    "arrivals.error.no_flat": {"zh": "本社区没有地址“{value}”对应的房屋", "en": "No flat at “{value}” in this "
                               "community"},
    "arrivals.error.address_needed": {"zh": "新来人员须填写居住地址", "en": "A newcomer needs the address they stay "
                                      "at"},
    "arrivals.error.id_other_household": {"zh": "证件号 {value} 已登记在其他住户或您管辖范围外",
                                          "en": "ID {value} is registered in another flat or outside your area"},
    "arrivals.error.sheet_problems": {"zh": "表格有 {n} 处问题，未登记任何人员。",
                                      "en": "The sheet has {n} problems; nobody was registered."},
    "arrivals.error.sheet_row": {"zh": "第 {row} 行无法登记（{problem}），整表未登记，请重新检查。",
                                 "en": "Row {row} could not be registered ({problem}); nothing was registered, "
                                       "please check the sheet again."},
    # checks and alerts
    "checks.error.period": {"zh": "时段须为上午或下午（{value}）。", "en": "The period must be morning or afternoon "
                            "({value})."},
    "checks.error.temperature": {"zh": "体温“{value}”不在 {low}–{high} ℃ 之间，请核对。",
                                 "en": "Temperature “{value}” is not between {low} and {high} °C; please check."},
    "checks.error.symptom": {"zh": "未知症状：{value}", "en": "Unknown symptom: {value}"},
    "checks.error.future_day": {"zh": "不能录入 {day} 的体温（尚未到）。", "en": "{day} has not come yet."},
    "checks.error.not_in_term": {"zh": "{day} 不在管控期内（{start} 至 {end} 前一天）。",
                                 "en": "{day} is outside the term ({start} to the day before {end})."},
    "checks.error.already_recorded": {"zh": "{day} {period} 的体温已由 {by} 于 {at} 录入，未重复保存；"
                                            "如需更正请用“更正”。",
                                      "en": "The {period} check of {day} was recorded by {by} at {at}; not saved "
                                            "again. Use “correct” to change it."},
    "checks.error.nothing_to_correct": {"zh": "{day} {period} 尚无体温记录可更正。",
                                        "en": "There is no {period} check of {day} to correct."},
    "checks.error.unknown_alert": {"zh": "找不到第 {alert_id} 号预警。", "en": "There is no alert {alert_id}."},
    "checks.error.alert_handled": {"zh": "该预警已由 {by} 于 {at} 处置。", "en": "This alert was handled by {by} "
                                   "at {at}."},
    # releases
    "releases.error.too_early": {"zh": "管控期至 {end} 结束，尚不能解除。", "en": "The term ends on {end}; it "
                                 "cannot be released before."},
    "releases.error.ended": {"zh": "第 {measure_id} 号管控已于 {at} 结束。", "en": "Measure {measure_id} already "
                             "ended ({at})."},
    "releases.error.missing_check": {"zh": "不能解除：{day} {period} 的体温未录入。",
                                     "en": "Cannot release: the {period} check of {day} is missing."},
    "releases.error.abnormal_check": {"zh": "不能解除：{day} {period} 体温 {temperature} ℃ 或有症状。",
                                      "en": "Cannot release: the {period} check of {day} was abnormal "
                                            "({temperature} °C or a symptom)."},
    "releases.error.open_alert": {"zh": "不能解除：仍有未处置的发热预警。", "en": "Cannot release: a fever alert is "
                                  "still open."},
    "releases.error.days": {"zh": "天数“{value}”须为 1 至 {max} 的整数。",
                            "en": "Days “{value}” must be a whole number from 1 to {max}."},
    "releases.error.transfer_to": {"zh": "转运去向无效：{value}", "en": "Unknown transfer target: {value}"},
    "releases.error.transfer_same": {"zh": "第 {measure_id} 号管控已是集中隔离。",
                                     "en": "Measure {measure_id} is already centralised quarantine."},
    # teams and supervision
    "teams.error.household_out_of_scope": {"zh": "住户 {household_id} 不在您的管辖范围内。",
                                           "en": "Household {household_id} is outside the area you look after."},
    "teams.error.community_out_of_scope": {"zh": "社区 {community_id} 不在您的管辖范围内。",
                                           "en": "Community {community_id} is outside your area."},
    "teams.error.unknown_team": {"zh": "本社区没有第 {team_id} 号小组。", "en": "There is no team {team_id} in this "
                                 "community."},
    "teams.error.already": {"zh": "住户 {household_id} 已由第 {team_id} 号小组负责。",
                            "en": "Household {household_id} is already with team {team_id}."},
    "teams.error.other_grid": {"zh": "第 {team_id} 号小组不属于您的网格。", "en": "Team {team_id} is not one of "
                               "your grid cells' teams."},
    "teams.error.member": {"zh": "小组成员无效：{role} 须为本社区的相应岗位人员（{staff_id}）。",
                           "en": "Invalid member: the {role} must be staff of this community in that post "
                                 "({staff_id})."},
    "supervision.error.staff": {"zh": "工作人员 {staff_id} 不是本社区的网格员或医生。",
                                "en": "Staff {staff_id} is not a grid worker or doctor of this community."},
    "supervision.error.same": {"zh": "已由工作人员 {staff_id} 跟进。", "en": "Staff {staff_id} already follows "
                               "this person."},
    # the daily report
    "report.title": {"zh": "疫情防控日报", "en": "Daily epidemic control report"},
    "report.generated": {"zh": "生成于 {when}", "en": "Generated {when}"},
    "report.sheet": {"zh": "日报{day}", "en": "Report {day}"},
    "report.all": {"zh": "合计", "en": "Total"},
    "report.column.section": {"zh": "类别", "en": "Section"},
    "report.column.item": {"zh": "项目", "en": "Item"},
    "report.column.value": {"zh": "当日", "en": "That day"},
    "report.column.previous": {"zh": "前一日", "en": "Day before"},
    "report.column.change": {"zh": "变化", "en": "Change"},
    "report.section.measures": {"zh": "管控人员", "en": "Control measures"},
    "report.section.arrivals": {"zh": "到达人员（按来源）", "en": "Arrivals by origin"},
    "report.section.checks": {"zh": "体温监测", "en": "Health checks"},
    "report.section.teams": {"zh": "三包一小组", "en": "三包一 teams"},
    "report.section.testing": {"zh": "核酸检测", "en": "Mass testing"},
    "report.section.coverage": {"zh": "重点人群覆盖", "en": "Volunteer coverage"},
    "report.metric.new": {"zh": "新增", "en": "New"},
    "report.metric.released": {"zh": "解除", "en": "Released"},
    "report.metric.transferred": {"zh": "转运", "en": "Transferred"},
    "report.metric.active": {"zh": "在管", "en": "Active"},
    "report.metric.due": {"zh": "当日到期", "en": "Due that day"},
    "report.metric.required": {"zh": "应测人次", "en": "Checks due"},
    "report.metric.done": {"zh": "按时测量", "en": "Done on time"},
    "report.metric.late": {"zh": "迟报", "en": "Late"},
    "report.metric.missed": {"zh": "漏报", "en": "Missed"},
    "report.metric.alerts_raised": {"zh": "新增发热预警", "en": "Fever alerts raised"},
    "report.metric.alerts_open": {"zh": "未处置预警", "en": "Fever alerts open"},
    "report.metric.teams": {"zh": "小组数", "en": "Teams"},
    "report.metric.overloaded_teams": {"zh": "超负荷小组", "en": "Overloaded teams"},
    "report.metric.unassigned_households": {"zh": "未分配小组的居家隔离户", "en": "Isolated households without "
                                            "a team"},
    "report.metric.rounds": {"zh": "检测轮次", "en": "Testing rounds"},
    "report.metric.planned": {"zh": "应检人数", "en": "People to sample"},
    "report.metric.sampled": {"zh": "已采样", "en": "Sampled"},
    "report.metric.vulnerable_households": {"zh": "重点人群户", "en": "Vulnerable households"},
    "report.metric.covered_households": {"zh": "已覆盖户", "en": "Covered households"},
    "report.metric.not_contacted": {"zh": "多日未联系户", "en": "Not contacted lately"},
    "report.metric.overloaded_volunteers": {"zh": "超负荷志愿者", "en": "Overloaded volunteers"},

    # --- Scale and district views (issue 8) ---
    "scale.level.grid": {"zh": "网格", "en": "grid cell"},
    "scale.level.compound": {"zh": "小区", "en": "compound"},
    "scale.level.community": {"zh": "社区", "en": "community"},
    "scale.col.area": {"zh": "名称", "en": "Name"},
    "scale.col.community": {"zh": "社区", "en": "Community"},
    "scale.col.buildings": {"zh": "楼栋数", "en": "Buildings"},
    "scale.areas_note": {
        "zh": "视野内有 {n} 栋楼，按{level}汇总显示（轮廓为楼栋外包范围）；点击区域放大，放大后显示各楼栋。",
        "en": "{n} buildings in view, summed by {level} (outlines enclose its buildings); click an area to zoom "
              "in, closer in the buildings show.",
    },
    "scale.buildings_note": {
        "zh": "显示视野内的 {n} 栋楼（共 {total} 栋）；移动或缩放地图会随之更新。",
        "en": "Showing the {n} buildings in view (of {total}); panning or zooming updates the map.",
    },
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
