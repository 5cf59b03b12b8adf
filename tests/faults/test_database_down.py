"""The database goes away: pages answer a short 503 page in the visitor's language (no traceback,
no 500 page), the API a JSON 503, /healthz a 503; when it returns, the same server process serves
again (Django's connection health checks), without a restart."""

import json
import subprocess
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.urls import reverse

from ideas import services
from tests.factories import MemberFactory, make_board
from tests.faults.tools import free_port, start_process, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def get(port, path, *, cookie="", language="en"):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": language, "Cookie": cookie}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def listening(port) -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def server(database_proxy, tmp_path):
    """uvicorn with production settings, its database connections through the proxy and kept
    open between requests (DATABASE_CONN_MAX_AGE), as a production worker's are."""
    port, log = free_port(), tmp_path / "uvicorn.log"
    with log.open("wb") as output:
        process = start_process(
            ["uvicorn", "community.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
            output=output, database_port=database_proxy.port, DATABASE_CONN_MAX_AGE="60",
        )
    try:
        wait_for(lambda: listening(port) or process.poll() is not None, 60, "the server start")
        assert process.poll() is None, log.read_text()
        yield port, process, log
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def board(home_page):
    board = make_board(home_page, title="Mobile")
    services.post_idea(author=MemberFactory(), board=board, title="Free roaming in the Nordics", body="")
    return board


def session_cookie(client) -> str:
    client.force_login(MemberFactory())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_while_the_database_is_down_visitors_get_a_short_503_and_service_returns_without_a_restart(
    server, database_proxy, board, client
):
    port, process, log = server
    cookie = session_cookie(client)
    api = reverse("api_board_ideas", args=[board.pk])
    assert get(port, board.url)[0] == 200
    assert get(port, board.url, cookie=cookie)[0] == 200

    database_proxy.cut()  # every connection dropped, new ones refused: the database is restarting
    status, headers, body = get(port, board.url, language="nb")
    assert status == 503 and headers["Retry-After"] == "30"
    assert '<html lang="nb">' in body and "Tilbake om et øyeblikk" in body
    assert "Traceback" not in body and "Server Error" not in body
    # A signed-in member's request fails earlier, loading the session: the same page.
    status, _, body = get(port, board.url, cookie=cookie, language="da")
    assert status == 503 and "Tilbage om et øjeblik" in body
    status, headers, body = get(port, api)
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"detail": "The service is briefly unavailable. Try again in a moment."}
    status, _, body = get(port, "/healthz")
    assert status == 503 and json.loads(body)["checks"]["database"] is False

    database_proxy.restore()
    assert get(port, board.url)[0] == 200
    assert get(port, board.url, cookie=cookie)[0] == 200
    assert get(port, api)[0] == 200
    assert get(port, "/healthz")[0] in (200, 503)  # 503 only for the missing Redis here
    assert process.poll() is None  # the same process: nobody restarted it
    output = log.read_text()
    assert "Traceback" not in output, output
    assert output.count("The database is unavailable") == 1, output


def test_a_connection_lost_under_a_request_is_a_503_page_then_the_next_request_is_served(
    database_proxy, board, client
):
    """In this process: the connection drops in the middle of rendering the board."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(database_proxy.port)
    queries = []

    def drop_connection_at_the_third_query(execute, sql, params, many, context):
        queries.append(sql)
        if len(queries) == 3:
            database_proxy.cut()
            database_proxy.restore()  # back at once: a failover, not an outage
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(drop_connection_at_the_third_query):
            response = client.get(board.url, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 503
        assert "Strax tillbaka" in response.content.decode()
        close_old_connections()  # what the server does as the next request starts
        response = client.get(board.url)
        assert response.status_code == 200 and "Free roaming in the Nordics" in response.content.decode()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
