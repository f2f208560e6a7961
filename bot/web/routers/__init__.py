"""The web API routers (one module per area), included by :func:`bot.web.main.create_app`."""
