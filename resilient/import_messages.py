"""Texts for every import problem and error code, for the page author to merge into resilient/i18n.py.

Placeholders are the keys of Problem.values / ImportProblemError.values. Where a value names a field or a sex,
the Chinese text uses the *_zh / label value and the English text the *_en / label_en one.
"""

IMPORT_TEXT: dict[str, dict[str, str]] = {
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
}
