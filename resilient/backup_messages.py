"""Texts for basemaps and backups, Chinese first, kept apart until the page author merges them into i18n.TEXT."""

BACKUP_TEXT: dict[str, dict[str, str]] = {
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
}
