import threading
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from app.server import make_server

# deadline=None: shared CI runners are noisy, and a slow example is not a bug.
# max_examples stays hypothesis' default (100); the pipeline sets its own count
# (stages.propertyTest.iterations) on top of this profile.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """A real server on an ephemeral port, shared by the HTTP tests."""
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()
    thread.join()
