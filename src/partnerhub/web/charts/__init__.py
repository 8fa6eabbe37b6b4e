"""Charts and the world map of the pages, drawn on the server as inline SVG.

``bars`` draws every bar chart and share bar, ``worldmap`` the choropleth and
the locator; both read the descriptions of ``partnerhub.core.charts``, and
templates reach them through ``{% load charts %}``.
"""
