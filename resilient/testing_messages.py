"""Texts for the mass-testing codes (resilient/testing.py), to be merged into resilient/i18n.TEXT by the page author.

Placeholders are the TestingError's values, filled by i18n.t(key, lang, **error.values).
"""

TESTING_TEXT: dict[str, dict[str, str]] = {
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
}
