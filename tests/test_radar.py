"""Radar: detector on synthetic series, end-to-end alerts on canonical rows, incremental runs,
typing, cascade tracing and the `suara radar --json` contract."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from suara.detect.radar import (RadarSettings, detect_series, list_alerts, run_radar, trace_cascade,
                                 WATERMARK_KEY)
from test_radar_world import CRISIS_AT, HOAX_AT, load_world, world_frames


def _rhythm(days, level, seed):
    t = np.arange(days * 96)
    lam = level * (1 + 0.85 * np.sin(2 * np.pi * (t % 96) / 96 - 1.0))
    return np.random.default_rng(seed).poisson(lam).astype(float)


def test_radar_detector_quiet_on_daily_rhythm():
    # 4 weeks x 10 seeds of Poisson counts with a strong daily rhythm and no crisis
    alarms = sum(len(detect_series(_rhythm(28, 15, s))) for s in range(10))
    assert alarms <= 4          # < 1 per series per week on average


def test_radar_detector_catches_burst_within_three_bins():
    x = _rhythm(10, 15, 1)
    onset = 9 * 96 + 40
    x[onset:onset + 8] += 25     # ~1 % of a day's volume per bin: a fast crisis
    eps = detect_series(x)
    hits = [e for e in eps if onset - 2 <= e.onset <= onset + 2]
    assert hits and hits[0].detected - onset <= 2


def test_radar_detector_cusum_catches_slow_rise():
    x = _rhythm(10, 30, 2)
    onset = 9 * 96
    ramp = np.linspace(0, 18, 40)
    x[onset:onset + 40] += np.random.default_rng(0).poisson(ramp)
    eps = detect_series(x)
    assert any(onset <= e.detected <= onset + 40 for e in eps)


def test_radar_detector_no_alarm_without_history():
    x = np.full(96 * 3, np.nan)
    x[96 * 2:] = 5.0
    x[96 * 2 + 10] = 80
    assert detect_series(x) == []          # only today's data: no baseline, no alarm


def test_radar_end_to_end_types_and_timing(workspace):
    load_world(workspace, world_frames())
    res = run_radar(workspace)
    assert res["alerts"] >= 2
    alerts = list_alerts(workspace)
    anomalies = [a for a in alerts if a["kind"] == "anomaly"]
    crisis = [a for a in anomalies if a["candidate"] == "2" and a["issue"] == "banjir"
              and a["onset_at"][:10] == "2024-11-09"]
    assert crisis and crisis[0]["type"] == "black_campaign"
    det = dt.datetime.fromisoformat(crisis[0]["detected_at"])
    assert dt.timedelta(0) <= det - CRISIS_AT <= dt.timedelta(minutes=30)
    # citizens appear only as pseudonyms; the coordinated amplifiers are marked
    assert all(":warga-" in x for x in crisis[0]["top_accounts"])
    ev = json.loads(workspace.store.sql("SELECT evidence FROM alerts WHERE alert_id = ?",
                                        [crisis[0]["id"]]).iloc[0, 0])
    assert any(a["coordinated"] for a in ev["trace"]["amplifiers"])
    assert all(p["url"] is None for p in ev["sample_posts"])
    hoax = [a for a in anomalies if a["type"] == "hoax"]
    assert hoax and hoax[0]["candidate"] == "1"
    assert dt.datetime.fromisoformat(hoax[0]["detected_at"]) - HOAX_AT <= dt.timedelta(minutes=30)
    # nothing else fires on the calm days
    others = [a for a in anomalies if a not in crisis + hoax]
    assert len(others) <= 1
    # newest first
    times = [a["detected_at"] for a in alerts]
    assert times == sorted(times, reverse=True)
    # the near-duplicate narrative of the crisis is attached to it with its first posts
    ev = json.loads(workspace.store.sql("SELECT evidence FROM alerts WHERE alert_id = ?",
                                        [crisis[0]["id"]]).iloc[0, 0])
    nar = ev["narratives"]
    assert nar[0]["cluster"] == "dup-crisis" and len(nar[0]["first_posts"]) == 3
    assert dt.datetime.fromisoformat(nar[0]["ready_at"]) - CRISIS_AT <= dt.timedelta(minutes=30)


def test_radar_narrative_alone_becomes_alert(workspace):
    from suara.detect.radar import emerging_narratives
    frames = world_frames()
    load_world(workspace, frames)
    # a fast copy-paste wave with no volume anomaly around it: a narrative alert of its own
    workspace.store.execute("UPDATE enrichments SET dup_cluster = 'dup-quiet' WHERE post_id IN "
                            "(SELECT post_id FROM posts WHERE created_at BETWEEN '2024-11-06 12:00' "
                            "AND '2024-11-06 15:00' AND account_id LIKE 'c%' LIMIT 20)")
    found = emerging_narratives(workspace, dt.datetime(2024, 11, 6), dt.datetime(2024, 11, 7))
    assert [n["cluster"] for n in found] == ["dup-quiet"]
    run_radar(workspace)
    nar = [a for a in list_alerts(workspace) if a["kind"] == "narrative"]
    assert len(nar) == 1 and nar[0]["id"].startswith("nr-") and nar[0]["posts"] == 20


def test_radar_evidence_has_cascade(workspace):
    load_world(workspace, world_frames())
    run_radar(workspace)
    ev = json.loads(workspace.store.sql(
        "SELECT evidence FROM alerts WHERE type = 'black_campaign' AND kind = 'anomaly'").iloc[0, 0])
    tr = ev["trace"]
    assert tr["origin"] and tr["first_hour_posts"] > 0
    assert {p["platform"] for p in tr["platforms"]} >= {"x", "tiktok"}
    assert tr["coordinated_share"] > 0.1
    assert tr["reach_over_time"][0]["posts"] > 0
    assert ev["shares"]["coordinated"] >= 0.25


def test_radar_incremental_equals_full_and_is_idempotent(workspace, tmp_path):
    import suara
    frames = world_frames()
    load_world(workspace, frames, until=dt.datetime(2024, 11, 8, 12))
    run_radar(workspace)
    wm1 = int(workspace.store.meta(WATERMARK_KEY))
    load_world(workspace, frames, since=dt.datetime(2024, 11, 8, 12))
    run_radar(workspace)
    assert int(workspace.store.meta(WATERMARK_KEY)) > wm1
    inc = {a["id"]: a for a in list_alerts(workspace) if a["kind"] == "anomaly"}
    again = run_radar(workspace)
    assert again["new"] == 0
    ws2 = suara.init(tmp_path / "full")
    load_world(ws2, frames)
    run_radar(ws2)
    full = {a["id"]: a for a in list_alerts(ws2) if a["kind"] == "anomaly"}
    assert set(inc) == set(full)
    ws2.close()


def test_radar_skips_when_nothing_it_reads_changed(workspace):
    load_world(workspace, world_frames())
    first = run_radar(workspace)
    last_run = workspace.store.meta("radar.last_run")
    assert run_radar(workspace) == {**first, "new": 0}
    assert workspace.store.meta("radar.last_run") == last_run      # nothing was scanned
    # an alert removed behind the radar's back: the next run scans again
    workspace.store.execute("DELETE FROM alerts WHERE alert_id = (SELECT min(alert_id) FROM alerts)")
    run_radar(workspace)
    assert workspace.store.meta("radar.last_run") != last_run


def test_radar_trace_cascade_hops_and_origin():
    import pandas as pd
    p = pd.DataFrame({
        "platform": ["x", "x", "tiktok", "instagram"], "account_id": ["a", "b", "c", "a2"],
        "handle": ["a", "b", "c", "a2"], "post_id": list("1234"),
        "created_at": pd.to_datetime(["2024-11-01 09:00", "2024-11-01 09:20", "2024-11-01 11:00",
                                      "2024-11-02 08:00"]),
        "likes": [1, 2, 3, 4], "comments": [0] * 4, "shares": [0] * 4, "views": [10] * 4,
        "coordinated": [True, False, False, False], "url": [None] * 4})
    t = trace_cascade(p)
    assert t["origin"][0]["account"] == "x:a"
    assert [x["platform"] for x in t["platforms"]] == ["x", "tiktok", "instagram"]
    assert t["first_hour_posts"] == 2
    assert t["coordinated_share"] == 0.25
    assert t["reach_over_time"][-1]["cum_engagement"] == 10


def test_radar_settings_threshold_is_configurable():
    x = _rhythm(10, 15, 1)
    x[9 * 96 + 40] += 60
    strict = RadarSettings(z=50)
    assert detect_series(x, strict) == []
    assert detect_series(x) != []


def test_radar_cli_json_is_pure(workspace):
    from typer.testing import CliRunner
    from suara.cli import app
    load_world(workspace, world_frames())
    r = CliRunner().invoke(app, ["radar", "-w", str(workspace.path), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert isinstance(data, list) and data
    for k in ("id", "candidate", "issue", "type", "severity", "onset_at", "detected_at", "posts",
              "top_accounts"):
        assert k in data[0]


def test_radar_empty_workspace_and_sections(workspace):
    from suara.analyse.alerts import alerts_section
    from suara.analyse.section import get
    from suara.render import section_html
    assert run_radar(workspace)["alerts"] == 0
    sec = alerts_section(workspace)
    assert sec["count"] == 0
    assert "No alerts" in section_html(get("alerts").render(sec, "en", workspace.election))


def test_radar_types_alerts_again_when_coordination_flags_change(workspace):
    """`suara enrich` runs the radar before `suara detect coordination` has flagged anyone:
    the flood of negative posts is organic criticism then. Once the accounts behind it are
    flagged, the next run types it again (a black campaign), not only the newest bins."""
    accs, posts, enr, men, scores = world_frames()
    load_world(workspace, (accs, posts, enr, men, scores.iloc[:0]))

    def crisis_type():
        a = [a for a in list_alerts(workspace) if a["kind"] == "anomaly" and a["candidate"] == "2"
             and a["issue"] == "banjir" and a["onset_at"][:10] == "2024-11-09"]
        return a[0]["type"] if a else None

    run_radar(workspace)
    assert crisis_type() not in (None, "black_campaign")
    wm = workspace.store.meta(WATERMARK_KEY)
    workspace.store.upsert("account_scores", scores)      # as a coordination run writes them
    run_radar(workspace)
    assert crisis_type() == "black_campaign"
    assert workspace.store.meta(WATERMARK_KEY) == wm      # the same data: only the typing moved
