"""Render: neutral blocks (from the sections' ``render``) to HTML, shared by the daily brief
(:mod:`suara.report`) and the web app (:mod:`suara.serve`): offline Plotly charts
(:mod:`suara.render.charts`) and block HTML (:mod:`suara.render.html`). Texts come from the
one catalogue, :mod:`suara.config.i18n`."""
from suara.render.charts import candidate_colours, figure_div, plotly_js
from suara.render.html import block_html, blocks_html, cards, error_block, for_face, section_html

__all__ = ["candidate_colours", "figure_div", "plotly_js", "block_html", "blocks_html", "cards", "error_block",
           "for_face", "section_html"]
