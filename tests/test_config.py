"""Election config: the shipped Kaltim 2024 facts and clear errors for malformed files."""
import pytest
import yaml

from suara.config import ConfigError, builtin_elections, load_election


def test_config_kaltim_has_both_pairs_with_ballots_and_jargon():
    e = load_election("kaltim-2024")
    assert e.ballots == ["1", "2"]
    c1, c2 = e.candidate(1), e.candidate("2")
    assert "Isran Noor" in c1.persons and "Kai" in c1.nicknames
    assert "Pahamlah ikam" in c1.jargon and "Kaltim Berdaulat" in c1.jargon
    assert "Harum" in c2.nicknames and {"Gratispol", "Jospol"} <= set(c2.jargon)


def test_config_kaltim_dates_and_regions_match_sources():
    e = load_election("kaltim-2024")
    d = e.dates
    assert (str(d.campaign_start), str(d.campaign_end)) == ("2024-09-25", "2024-11-23")
    assert (str(d.quiet_start), str(d.quiet_end), str(d.vote_day)) == ("2024-11-24", "2024-11-26", "2024-11-27")
    assert [str(x.date) for x in d.debates] == ["2024-10-23", "2024-11-03", "2024-11-22"]
    assert len(e.regions) == 10
    assert e.region("6472").name == "Samarinda"
    assert e.total_dpt == 2_821_202  # Keputusan KPU Kaltim 106/2024
    votes = {b: sum(r.result[b] for r in e.regions) for b in e.ballots}
    assert votes == {"1": 793_793, "2": 996_399}  # Keputusan KPU Kaltim 149/2024
    assert {i.id for i in e.issues} >= {"ikn", "tambang_lingkungan", "jalan_infrastruktur",
                                        "pendidikan_gratis", "kesehatan", "lapangan_kerja",
                                        "harga_pokok", "banjir", "dinasti_politik", "politik_uang"}


def test_config_second_election_is_not_kaltim():
    assert {"kaltim-2024", "jakarta-2024"} <= set(builtin_elections())
    j = load_election("jakarta-2024")
    assert j.ballots == ["1", "2", "3"] and j.timezone == "Asia/Jakarta"
    assert all(r.code.startswith("31") for r in j.regions)


def _write(tmp_path, data):
    p = tmp_path / "e.yaml"
    p.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return p


def test_config_error_names_file_key_and_problem(tmp_path):
    good = yaml.safe_load(open(load_election.__globals__["resources"].files("suara.config")
                               .joinpath("elections/kaltim-2024.yaml")).read())
    bad = dict(good)
    bad["candidates"] = [dict(good["candidates"][0])]
    del bad["candidates"][0]["name"]
    p = _write(tmp_path, bad)
    with pytest.raises(ConfigError) as ei:
        load_election(p)
    msg = str(ei.value)
    assert str(p) in msg and "candidates.0.name" in msg and "required" in msg.lower()


def test_config_rejects_unknown_keys_bad_dates_and_duplicates(tmp_path):
    base = {"id": "x", "name": "X", "dates": {"campaign_start": "2024-01-10", "campaign_end": "2024-01-20",
                                              "quiet_start": "2024-01-21", "quiet_end": "2024-01-22",
                                              "vote_day": "2024-01-23"},
            "candidates": [{"ballot": 1, "name": "A", "short": "A"}]}
    load_election(_write(tmp_path, base))  # valid minimal config
    with pytest.raises(ConfigError, match="candidats"):
        load_election(_write(tmp_path, {**base, "candidats": []}))
    with pytest.raises(ConfigError, match="dates"):
        load_election(_write(tmp_path, {**base, "dates": {**base["dates"], "vote_day": "2024-01-01"}}))
    with pytest.raises(ConfigError, match="duplicate candidates.ballot"):
        load_election(_write(tmp_path, {**base, "candidates": base["candidates"] * 2}))
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_election(_write(tmp_path, "id: [unclosed"))
    with pytest.raises(ConfigError, match="unknown election"):
        load_election("no-such-election")
