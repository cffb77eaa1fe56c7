"""Alert delivery: radar alerts to webhooks (generic JSON, Slack, Telegram).

Example
-------
>>> from suara.alert import mask_url
>>> mask_url("https://hooks.slack.com/services/T/B/secretXYZ1")
'https://hooks.slack.com/…XYZ1'
"""
from suara.alert.webhook import FORMATS, DeliveryResult, deliver, mask_url, payload, post_json, send_test

__all__ = ["FORMATS", "DeliveryResult", "deliver", "mask_url", "payload", "post_json", "send_test"]
