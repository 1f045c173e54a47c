"""The support page under AppTest on the demo: figures match the domain, a grid worker records a follow-up and
refers a household, a leader edits the referral list, and a volunteer or viewer never reads why."""

import pandas as pd
import pytest

from resilient.core import db, roles
from resilient.coverage import support
from tests import conftest
from tests.conftest import demo_account, demo_day

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database

PAGE = "views/supplies/support.py"
REASON_WORDS = ("丧亲家庭", "确诊或疑似家庭", "独居且隔离", "健康监测时发现情绪困扰", "病逝", "核酸阳性", "睡不着",
                "区心理援助热线")


def open_page(path, monkeypatch, username, lang="zh"):
    return conftest.open_page(path, monkeypatch, username, PAGE, lang)


def listed(path, username):
    con = db.connect(path)
    user = demo_account(con, username)
    today = demo_day(con)
    scope = roles.scope_for(con, user, today)
    result = support.kpis(con, scope, today), support.support_list(con, scope, user, today)
    con.close()
    return result


def page_text(at) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [e.label for e in at.expander]
    parts += [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]
    return " ".join(parts)


def test_leader_sees_why_and_the_figures(page_db, monkeypatch):
    kpi, rows = listed(page_db, "leader")
    assert kpi["open"] == 3 and "bereaved" in set(rows["kind"])
    at = open_page(page_db, monkeypatch, "leader")
    assert not at.exception and at.title[0].value == "心理关怀"
    shown = {m.label: m.value for m in at.metric}
    assert shown["需关怀户"] == str(kpi["open"]) and shown["待随访"] == str(kpi["not_followed_up"])
    text = page_text(at)
    assert "丧亲家庭" in text and "老伴上周病逝" in text


def test_grid_worker_records_a_follow_up_and_refers_in_one_tap_each(page_db, monkeypatch):
    kpi, rows = listed(page_db, "grid1")
    row = rows.iloc[0]
    at = open_page(page_db, monkeypatch, "grid1")
    assert not at.exception and isinstance(row["kind"], str)
    at.button(key=f"support_rec_{row.need_id}").click().run()
    assert not at.exception
    _, after = listed(page_db, "grid1")
    assert int(after.set_index("need_id").loc[row.need_id, "follow_ups"]) == int(row["follow_ups"]) + 1
    at.button(key=f"support_refer_{row.need_id}").click().run()
    assert not at.exception
    assert listed(page_db, "grid1")[0]["referred"] == kpi["referred"] + int(pd.isna(row["referred_at"]))


@pytest.mark.parametrize("username", ["volunteer", "viewer"])
def test_volunteer_and_viewer_see_needs_care_and_never_why(page_db, monkeypatch, username):
    kpi, rows = listed(page_db, username)
    assert "kind" not in rows and "note" not in rows
    at = open_page(page_db, monkeypatch, username)
    assert not at.exception
    text = page_text(at)
    assert not [w for w in REASON_WORDS if w in text]
    if username == "volunteer":
        assert len(rows) >= 1 and "需要关怀" in text
        assert [b for b in at.button if b.key and b.key.startswith("support_rec_")]
    else:
        assert not [b for b in at.button if b.key and b.key.startswith("support_rec_")]
    assert not [b for b in at.button if b.key and b.key.startswith("support_refer_")]


def test_leader_adds_to_the_referral_list(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch, "leader")
    at.segmented_control(key="support_section").set_value("referrals").run()
    assert not at.exception
    assert "区心理援助热线" in " ".join(at.dataframe[0].value["name"])
    at.text_input[0].input("街道社工站")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert "街道社工站" in " ".join(at.dataframe[0].value["name"])


def test_the_english_page_runs_for_the_doctor(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch, "doctor", "en")
    assert not at.exception and at.title[0].value == "Support for those who struggle"
