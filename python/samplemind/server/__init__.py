"""The SampleMind HTTP and WebSocket server (aiohttp).

>>> from samplemind.server import ServerConfig, create_app   # doctest: +SKIP
>>> app = create_app(ServerConfig(data_dir=Path("data")))     # doctest: +SKIP
"""

from samplemind.server.app import create_app
from samplemind.server.config import ServerConfig
from samplemind.server.serve import serve

__all__ = ["ServerConfig", "create_app", "serve"]
