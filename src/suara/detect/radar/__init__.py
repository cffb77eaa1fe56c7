"""Issue & crisis radar, the detect stage that writes ``alerts``: early warning on 15-minute
series, emerging narratives, cascades. Reading the alerts is :mod:`suara.analyse.alerts`.

How it works
------------
1. **Series** (:mod:`.series`, Ibis, engine-neutral): posts of the current enrichment are
   counted in 15-minute bins per candidate, per issue and per candidate x issue, for five
   metrics: ``volume``, ``negative``, ``toxic`` (hate speech, abusive or SARA), ``hoax``
   (posts matching a known hoax claim) and ``neg_share`` (negative / volume).
2. **Detection** (:mod:`.detector`, numpy on the reduced series): every bin is compared with
   the *same time of day* over the previous days (default 7 days, +/- one bin, i.e. 21
   samples) using the median and the MAD, so the daily rhythm and a few past spikes do not
   distort the baseline. Three windows are tested at once (15 min, 1 h, 4 h sums) plus a
   CUSUM on the 15-minute residuals for slow build-ups; a minimum count and a minimum excess
   keep small-number noise out. An alarm opens an *episode* that lasts while the series
   stays elevated, plus a cooldown, so one crisis gives one alert.
3. **Alerts** (:mod:`.evidence`): episodes on the same (candidate, issue) that overlap in
   time are merged; each alert is typed (hoax, black campaign, SARA / hate, opponent attack,
   organic criticism, positive surge) from the posts inside it, gets a severity from reach,
   speed and toxicity, and keeps its evidence (shares, sample posts, cascade trace).
4. **Narratives** (:mod:`.narratives`): near-duplicate clusters (``dup_cluster``) that are
   new and growing fast.
5. **Incremental** (:mod:`.run`): a watermark in ``meta`` (``radar.watermark``) remembers the
   last bin processed; a run reads only the baseline window before it and the new data.
   Alert ids are stable (hash of series key and onset), so re-running is idempotent and an
   ongoing alert is updated in place.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> run_radar(ws)["alerts"]
0
"""
from suara.analyse.alerts import ALERT_TYPES, SEVERITIES, list_alerts
from suara.detect.radar.detector import METRICS, Episode, RadarSettings, detect_series
from suara.detect.radar.evidence import alert_posts, trace_cascade
from suara.detect.radar.narratives import emerging_narratives
from suara.detect.radar.run import VERSION_KEY, WATERMARK_KEY, run_radar
from suara.detect.radar.series import build_series

__all__ = ["RadarSettings", "Episode", "detect_series", "build_series", "run_radar", "list_alerts",
           "alert_posts", "trace_cascade", "emerging_narratives", "ALERT_TYPES", "SEVERITIES", "WATERMARK_KEY",
           "VERSION_KEY", "METRICS"]
