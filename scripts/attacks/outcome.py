"""What one trial found, and the kinds of failure the campaign counts."""

from __future__ import annotations

from dataclasses import dataclass, field

# every kind of failure, in the order the summary shows them
KINDS = {
    "crash": "traceback, exit code outside 0/1/2, signal, or a dead server",
    "server_error": "an HTTP 5xx other than the documented 503",
    "hang": "no answer within the time limit",
    "broken": "after the request, ASK {} or / no longer answers 200 in time",
    "smuggling": "Content-Length with Transfer-Encoding answered on a connection kept open",
    "memory": "the server and its workers held more than 2 GiB",
    "stall": "another client waited while one request ran (work on the event loop)",
    "partial_merge": "a refused add changed something, or an accepted one cannot be rebuilt",
    "outside_write": "a file written outside graph/sources/ and .rivalry/",
    "lost_facts": "facts an accepted add reported were gone after a rebuild",
    "smuggled_facts": "a rebuild loaded facts the gate never checked",
    "wrong_verdict": "a change the rules refuse was accepted (or accepted and not recorded)",
    "unsafe_output": "an export that starts a CSV cell with = + - @ (a spreadsheet formula)",
    "leftover": "store.building-* or store.old-* left after the next build",
    "leak": "a secret read through a symlink was echoed",
    "outbound": "a request reached the loopback canary (something fetched from the network)",
    "dropped": "the connection was closed without an answer, the server alive (noted, not failed)",
    "harness": "an oracle could not look (the store unreadable, …): read the trial",
}


# counted and shown, but not failures: uvicorn drops request lines over its limit unanswered
NOTED = {"dropped"}


@dataclass
class Trial:
    index: int
    family: str
    generator: str
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    figures: dict = field(default_factory=dict)  # e.g. status codes, latency
    input: object = None  # what was sent, kept for a failure's reproduction

    @property
    def failed(self) -> list[tuple[str, str]]:
        return [(kind, detail) for kind, detail in self.failures if kind not in NOTED]

    def fail(self, kind: str, detail: str) -> None:
        assert kind in KINDS, kind
        self.failures.append((kind, detail[-600:]))
