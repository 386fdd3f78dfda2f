"""HTTP transport: the Bot API's URL scheme on top of the engine.

``POST /bot<token>/<method>`` with a JSON, urlencoded or multipart body (GET with a query string
works too, as with Telegram) and ``GET /file/bot<token>/<file_path>`` for downloads.
With a ``ChatPage``, also the page people use from a browser under ``/chat/``.
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from tgemu.engine import Emulator
from tgemu.errors import ApiError, bad_request, not_found, unauthorized
from tgemu.files import Upload

if TYPE_CHECKING:
    from tgemu.chat_page import ChatPage

EMULATOR_KEY = web.AppKey("emulator", Emulator)
# Telegram accepts uploads up to 50 MB.
MAX_REQUEST_BYTES = 50 * 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def create_app(emulator: Emulator, page: ChatPage | None = None) -> web.Application:
    """The Bot API, and with `page` the chat page people use from a browser (/chat/)."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[EMULATOR_KEY] = emulator
    app.router.add_route("*", "/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", handle_file)
    if page is not None:
        page.add_routes(app)

    async def end_long_polls(app: web.Application) -> None:
        app[EMULATOR_KEY].close()

    app.on_shutdown.append(end_long_polls)
    return app


async def start_server(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0, page: ChatPage | None = None
) -> tuple[web.AppRunner, str]:
    """Serve on a loopback address (port 0 picks a free one); returns the runner and base URL.

    Call ``await runner.cleanup()`` to stop. Anyone who can reach the port can act as the bot,
    hence loopback only.
    """
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the emulator serves loopback addresses only, not {host}")
    # Cancelling handlers when the client disconnects ends a killed bot's long poll at once.
    runner = web.AppRunner(
        create_app(emulator, page), handler_cancellation=True, shutdown_timeout=2.0
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    url_host = f"[{bound_host}]" if ":" in bound_host else bound_host
    emulator.base_url = f"http://{url_host}:{bound_port}"
    return runner, emulator.base_url


async def handle_method(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    token, method = request.match_info["token"], request.match_info["method"]
    try:
        params, uploads = await read_params(request)
    except ApiError as error:
        emulator.record_refusal(method, error)
        return web.json_response(error.to_json(), status=error.error_code)
    try:
        result = await emulator.call(token, method, params, uploads)
    except ApiError as error:
        return web.json_response(error.to_json(), status=error.error_code)
    return web.json_response({"ok": True, "result": result})


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return params, uploads
    try:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("the JSON body must be an object")
            params.update(body)
        elif request.content_type in FORM_TYPES:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    # aiohttp clients (aiogram's included) percent-encode non-ASCII file names.
                    filename = unquote(value.filename) if value.filename else value.filename
                    uploads[name] = Upload(filename, value.content_type, value.file.read())
                else:
                    params[name] = value
        else:
            raise bad_request(f"unsupported content type {request.content_type}")
    except json.JSONDecodeError:
        raise bad_request("can't parse JSON body") from None
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    return params, uploads


async def handle_file(request: web.Request) -> web.StreamResponse:
    emulator = request.app[EMULATOR_KEY]
    if request.match_info["token"] != emulator.token:
        error = unauthorized()
    else:
        stored = emulator.files.by_path(request.match_info["file_path"])
        if stored is not None:
            return web.Response(body=stored.data, content_type=stored.mime_type)
        error = not_found()
    return web.json_response(error.to_json(), status=error.error_code)
