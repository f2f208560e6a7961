"""Settings of ``awardbot serve``, only from the environment or a ``.env`` file (pydantic-settings).

Every name is listed by ``awardbot serve --help``. Most carry the ``AWARDBOT_`` prefix; the
Telegram token is the conventional ``TELEGRAM_BOT_TOKEN``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AWARDBOT_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    host: str = Field("127.0.0.1", description="address to listen on")
    port: int = Field(8000, ge=0, le=65535, description="port to listen on")
    data_dir: Path = Field(Path("data"), description="directory for the embedded SQLite store")
    store: str | None = Field(None, description="store URL: sqlite:///path.db (default: <data_dir>/awardbot.db) "
                                                "or redis://host:port/db for several instances")
    session_idle_days: float = Field(30, gt=0, description="days after which an idle conversation is deleted")
    staff_token: SecretStr | None = Field(None, description="token staff send as 'Authorization: Bearer …' "
                                                           "to read assessment records")
    default_locale: str = Field("zh-CN", description="language of new conversations: zh-CN or en")
    log_level: str = Field("INFO", description="logging level")
    workers: int = Field(1, ge=0, le=64, description="worker processes sharing the store (0: one per CPU core); "
                                                     "the Telegram bot runs in exactly one of them")
    public_base_url: str | None = Field(None, description="public URL of this server, e.g. https://help.example.com "
                                                          "(absolute links in pages; default: relative links)")
    allowed_hosts: str = Field("localhost,127.0.0.1,::1", description="comma-separated Host names answered "
                                                                      "(plus the public URL's); '*' for any")
    forwarded_allow_ips: str = Field("127.0.0.1", description="proxies trusted for X-Forwarded-For/-Proto "
                                                              "(comma-separated, '*' for any)")
    max_body_bytes: int = Field(64 * 1024, ge=1024, description="largest request body accepted by /api and the "
                                                               "Telegram webhook (larger: 413)")
    rate_limits: bool = Field(True, description="rate limits per client and per session ('off' for load tests)")
    rate_limit_client: str = Field("300/minute", description="requests to /api per client address")
    rate_limit_new_sessions: str = Field("20/minute;200/hour", description="new conversations per client address")
    rate_limit_session: str = Field("60/minute", description="messages per conversation")
    session_secret: SecretStr | None = Field(None, description="key signing new session ids; set the same on "
                                                               "every machine (default: kept in the store)")
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "AWARDBOT_TELEGRAM_BOT_TOKEN"),
        description="Telegram bot token; when set, the Telegram bot runs too (env TELEGRAM_BOT_TOKEN)")
    telegram_webhook_url: str | None = Field(None, description="public HTTPS URL for webhook mode "
                                                               "(default: long polling)")
    telegram_webhook_secret: SecretStr | None = Field(None, description="secret token Telegram must send "
                                                                        "with every webhook request")
    telegram_base_url: str | None = Field(None, description="Bot API base URL (tests point it at an emulator)")
    telegram_bot_username: str | None = Field(None, description="the bot's @username without @, for the web "
                                                                "widget's t.me deep link to change notices")
    rules_dir: Path | None = Field(None, description="directory of the rule data to use instead of the packaged "
                                                     "rules/data (a test ruleset, corrected rules)")
    notify_refresh_after: str = Field("06-01", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
                                      description="MM-DD from which a year's accounts are final: 'awardbot notify' "
                                                  "then asks subscribers once to refresh last year's figures")
    notify_claim_lease_seconds: float = Field(900, gt=0, description="a notice claimed longer ago than this by a "
                                                                     "run that never finished it is reported as "
                                                                     "unconfirmed (its run died mid-send)")
    notify_keep_days: float = Field(180, gt=0, description="days a sent notice is kept (for its details button); "
                                                           "'awardbot notify' deletes older ones")
    link_token_minutes: float = Field(30, gt=0, description="minutes a web-to-Telegram subscription link stays valid")

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{(self.data_dir / 'awardbot.db').resolve()}"

    @field_validator("notify_refresh_after")
    @classmethod
    def _a_day_of_every_year(cls, value: str) -> str:
        month, day = value.split("-")
        dt.date(2001, int(month), int(day))  # ValueError (a clear message) for 02-30, and 02-29 (not every year)
        return value

    @property
    def refresh_after(self) -> tuple[int, int]:
        month, day = self.notify_refresh_after.split("-")
        return int(month), int(day)

    @property
    def idle_ttl_seconds(self) -> float:
        return self.session_idle_days * 24 * 3600


def settings_help() -> str:
    """One line per setting, with its environment variable, for ``awardbot serve --help``."""
    lines = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        env = alias.choices[0] if isinstance(alias, AliasChoices) else f"AWARDBOT_{name.upper()}"
        default = "" if field.default is None else f" (default {field.default})"
        lines.append(f"  {env:32} {field.description}{default}")
    return "\n".join(lines)
