"""``uvicorn api.asgi:app`` (settings from the environment); also each of the N API processes of
``coa-plan serve --workers N``."""

from api.core.config import Settings
from api.http_guard import GuardedH11
from api.main import create_app

settings = Settings()
GuardedH11.header_timeout_s = settings.header_timeout_s
app = create_app(settings)
