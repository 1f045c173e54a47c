"""Chinese and English text for every code geo/footprints.py and resilient/footprint_import.py raise or report.

Kept apart from resilient/i18n.py so the page's author can merge it; placeholders are the FootprintError values
and, for report rows, {feature} and {detail}; a report row's action translates as "footprint.action.<action>".
"""

FOOTPRINT_TEXT = {
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
}
