"""Online mobilisation: calls to action, live streams, the enthusiasm index and the opt-in
volunteer roster.

* **Actions** are first-class objects in the ``actions`` table: a hashtag campaign, a post to
  share, a live stream or a comment drive, with a time window, a target pair and a goal.
  :func:`track_action` measures who took part (organic vs coordinated accounts), posts,
  reach, regions reached, the sentiment of the conversation, progress against the goal over
  time and the cascade (who started it, who carried it further).
* **Live streams** are detected from the data (live videos plus the bursts of comments on
  them, :func:`detect_live_sessions`) or registered (:func:`register_live`);
  :func:`live_stats` gives comments per minute, peak moments, sentiment, questions asked and
  repeat attendees.
* **Enthusiasm index** (:func:`enthusiasm`): growth of distinct, non-coordinated accounts
  that speak positively about a pair, per pair and region (definition in
  docs/mobilisation.md).
* **Volunteers** (:func:`add_volunteer`, :func:`withdraw_volunteer`,
  :func:`volunteer_leaderboard`): nothing about a volunteer is used without a recorded consent
  (UU PDP 27/2022); after withdrawal the volunteer is no longer counted anywhere.

Relational steps are Ibis expressions (they run on DuckDB and Spark); only small, already
reduced results become pandas.

Example
-------
>>> import suara, tempfile
>>> ws = suara.init(tempfile.mkdtemp())
>>> a = add_action(ws, "hashtag", "Malam pawai", "KaltimMenang", "2024-11-20 20:00", "2024-11-21 02:00",
...                candidate="2", goal=500)
>>> track_action(ws, a["action_id"])["posts"]
0
"""
from suara.analyse.mobilise.actions import (ACTION_KINDS, GOAL_METRICS, action_posts, actions_section, add_action,
                                            delete_action, detect_actions, get_action, list_actions, track_action,
                                            volunteer_leaderboard)
from suara.analyse.mobilise.common import ConsentError, to_utc
from suara.analyse.mobilise.enthusiasm import enthusiasm, enthusiasm_section
from suara.analyse.mobilise.live import detect_live_sessions, is_question, live_section, live_stats, register_live
from suara.analyse.mobilise.volunteers import add_volunteer, consented_volunteers, list_volunteers, withdraw_volunteer

__all__ = [
    "ACTION_KINDS", "GOAL_METRICS", "ConsentError", "to_utc", "add_action", "list_actions",
    "get_action", "delete_action", "action_posts", "track_action", "detect_actions",
    "actions_section", "detect_live_sessions", "register_live", "live_stats", "live_section",
    "is_question", "enthusiasm", "enthusiasm_section", "add_volunteer", "withdraw_volunteer",
    "list_volunteers", "consented_volunteers", "volunteer_leaderboard",
]
