"""rivalry serve: the SPARQL endpoint and linked-data site."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from rivalry.cli.app import app
from rivalry.cli.options import EndpointOpt, ProjectOpt, StoreOpt
from rivalry.cli.output import err, fail
from rivalry.kernel.paths import Project


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@app.command()
def serve(
    project: ProjectOpt = None,
    store: StoreOpt = None,
    host: Annotated[
        str, typer.Option(help="Interface to bind; loopback by default.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Query worker processes.")] = 2,
    timeout: Annotated[
        float, typer.Option(help="Seconds a query may run before it is stopped.")
    ] = 30.0,
    row_limit: Annotated[
        int, typer.Option(help="Most rows a SELECT may return; larger results are refused.")
    ] = 100_000,
    worker_memory: Annotated[
        int | None,
        typer.Option(
            help="MiB of address space each query worker may use; a query past it is "
            "stopped with a 503 and its worker replaced. 0: no limit. Default: 2048 "
            "(serve.workers.MEMORY_LIMIT).",
            min=0,
            show_default=False,
        ),
    ] = None,
    endpoint: EndpointOpt = None,
    allow_update: Annotated[
        bool,
        typer.Option(
            help="Accept SPARQL Update from clients that send the token in "
            "$RIVALRY_UPDATE_TOKEN as 'Authorization: Bearer …'. Off by default."
        ),
    ] = False,
) -> None:
    """Serve the built store (or --endpoint): a read-only SPARQL 1.1 endpoint at /sparql,
    linked data under /id/ (303 to /page/ or /data/ by Accept), pages, the query catalogue
    and VoID."""
    import uvicorn

    from rivalry.serve.app import Server
    from rivalry.serve.workers import MEMORY_LIMIT
    from rivalry.store.embedded import StoreMissing

    proj = Project.locate(project, store)
    if not port_free(host, port):  # before any worker starts or "Serving" is printed
        raise fail(f"port {port} on {host} is in use; stop what listens there or give --port")
    token = os.environ.get("RIVALRY_UPDATE_TOKEN") if allow_update else None
    if allow_update and (not token or endpoint):
        raise fail("--allow-update needs a token in $RIVALRY_UPDATE_TOKEN and the embedded store")
    try:
        server = Server(
            proj,
            workers=workers,
            timeout=timeout,
            endpoint=endpoint,
            row_limit=row_limit,
            update_token=token,
            memory=MEMORY_LIMIT if worker_memory is None else worker_memory * 1024**2,
        )
    except StoreMissing as error:
        raise fail(str(error)) from None
    err.print(f"Serving {endpoint or proj.store_path} on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(server.app(), host=host, port=port, log_level="warning")
