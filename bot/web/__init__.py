"""The web channel: JSON chat API (CONTRACT §6), the embeddable widget, the staff FAQ page, reports.

Build the ASGI app with :func:`bot.web.main.create_app`; ``awardbot serve`` runs it. This package
``__init__`` stays import-free so that importing ``bot.web`` does not pull in FastAPI.
"""
