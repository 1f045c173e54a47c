"""The kit's KPI cards: a value is never cut, a short one keeps the width that puts three abreast on a phone."""

from ui import kit


def test_a_short_value_keeps_the_phone_width():
    assert kit.card_width("175") == kit.card_width("15,000") == kit.card_width("7%") == kit.KPI_WIDTH


def test_a_long_value_widens_its_card():
    """Issue 15: the suggested-assignment cards read '160/…' on a desk. 159/2,285 measured 143 px in Chromium."""
    assert kit.card_width("159/2,285") >= 143 + 4
    assert kit.card_width("12.5 km") > kit.KPI_WIDTH
    assert kit.card_width("3天2小时") > kit.card_width("3d 2h")    # CJK characters are twice as wide


def test_uploader_words_are_the_readers_and_cannot_break_out_of_the_style():
    style = kit.UPLOADER_STYLE.format(key="k", button=kit.css_text("选择文件"), limit=kit.css_text('a"b</style>'))
    assert '.st-key-k [data-testid="stFileUploaderDropzoneInstructions"] span::after' in style
    assert 'content: "选择文件"' in style
    assert "</style>" not in style.removesuffix("</style>") and 'a\\22 b' in style
