import gc
import os

from workspace.http import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspace.settings")
django_asgi_app = get_asgi_application()  # before importing consumers: it sets up the apps

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # daphne accepts any Origin: the validator refuses cross-site sockets.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What is loaded by now (Django, the apps, the URL and consumer modules) lives as long as the
# process: keep it out of the collector's full passes, which paused a loaded daphne for 50–94 ms
# (9–17 ms frozen; the p99 of fan-out, docs/benchmarks.md).
gc.freeze()
