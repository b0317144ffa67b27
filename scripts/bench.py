"""Benchmark the whole pipeline on generated graphs of this domain, side by side with the
plain tools: build against rdflib + pySHACL, every catalogue query, the gate against full
re-validation, and `rivalry serve` against `oxigraph serve` on the same data.

    .venv/bin/python scripts/bench.py                       # 10k, 100k and 1M triples
    .venv/bin/python scripts/bench.py --sizes 10k,100k --quick
    .venv/bin/python scripts/bench.py --imports csl:1k,csl:12k,csl:100k,ftm:10k,ftm:100k

Every stage runs in its own child process, so each peak RSS (children included) is the
stage's own. Writes benchmarks/bench.md and benchmarks/bench.json and prints the ratios.
Exit codes: 0 done, 1 a stage failed, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rich.console import Console
from rich.progress import Progress

import _repo_root  # noqa: F401  (puts tools/ on the path)
from tools.bench_report import OUT, machine_details, markdown_table

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {"k": 1_000, "m": 1_000_000}
LOOKUP = "SELECT ?p ?o WHERE {{ <{}> ?p ?o }}"
# parameters of the catalogue, bound to generated entities so selective queries select
SYNTHETIC_PARAMS = {
    "entity": "firm",
    "firm": "firm",
    "exposed": "firm",
    "state": "state",
    "matter": "https://w3id.org/tech-rivalry/id/matter/syn-sold-chips",
    "date": "2022-06-15",
    "from": "2022-06-01",
    "to": "2022-06-30",
}
console = Console(stderr=True)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    try:
        return int(float(text[:-1]) * SUFFIXES[text[-1]]) if text[-1] in SUFFIXES else int(text)
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a size; write 10k, 100k or 1m") from None


def seconds(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


# ------------------------------------------------------------------ stages (child processes)


def stage_generate(work: Path, size: int, _args) -> dict:
    from tools.synthetic import generate, rivalry_layer

    data = generate(size)
    # laws, threats, countermeasures and projects: what exposure and the as-of queries find
    data.quads += rivalry_layer(data)
    project = work / "project"
    (project / "graph").mkdir(parents=True, exist_ok=True)
    for part in ("ontology", "queries"):
        link = project / part
        if not link.exists():
            link.symlink_to(ROOT / part)
    ox.serialize(data.quads, str(project / "graph" / "synthetic.nq"), format=ox.RdfFormat.N_QUADS)
    # the baseline reads the same facts as plain triples, as rdflib + pySHACL would
    ox.serialize((q.triple for q in data.quads), str(work / "facts.nt"), ox.RdfFormat.N_TRIPLES)
    meta = {
        "firms": [f.value for f in data.firms[:: max(1, len(data.firms) // 64)][:64]],
        "states": [s.value for s in data.states],
    }
    (work / "meta.json").write_text(json.dumps(meta))
    return {"triples": len(data.quads)}


def stage_build(work: Path, _size: int, _args) -> dict:
    from rivalry.kernel.paths import Project
    from rivalry.store.build import build

    project = Project.locate(work / "project", work / "store")
    total, result = seconds(lambda: build(project, owl=False))
    if not result.swapped:
        raise RuntimeError(f"the generated graph does not validate: {result.report.violations[:3]}")
    return {
        "build_s": round(total, 2),
        **{f"{k}_s": round(v, 2) for k, v in result.seconds.items()},
        "asserted": result.asserted,
        "inferred": result.inferred,
        "warnings": len(result.report.warnings),
    }


def stage_owl(work: Path, _size: int, _args) -> dict:
    from rivalry.store.embedded import open_store
    from rivalry.validate.owl import owl_problems

    store = open_store(work / "store")
    took, problems = seconds(lambda: owl_problems(store))
    return {"owl_hermit_s": round(took, 2), "owl_problems": len(problems)}


def stage_baseline(work: Path, size: int, args) -> dict:
    """Plain rdflib parse of ontology + facts, then pySHACL over everything."""
    import pyshacl
    import rdflib

    from rivalry.kernel.paths import Project
    from rivalry.load.parse import load_vocabulary, to_rdflib
    from rivalry.validate.sparql_shapes import without_sparql

    def parse() -> rdflib.Graph:
        graph = rdflib.Graph()
        for path in Project.locate(ROOT).ontology_files():
            graph.parse(path, format="turtle")
        graph.parse(work / "facts.nt", format="nt")
        return graph

    parse_s, graph = seconds(parse)
    shapes_quads = load_vocabulary(Project.locate(ROOT)).shapes
    with_sparql = size <= args.baseline_sparql_max
    shapes = to_rdflib(shapes_quads if with_sparql else without_sparql(shapes_quads))
    shacl_s, _ = seconds(
        lambda: pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
    )
    return {
        "baseline_parse_s": round(parse_s, 2),
        "baseline_pyshacl_s": round(shacl_s, 2),
        "baseline_s": round(parse_s + shacl_s, 2),
        "baseline_sparql_constraints": with_sparql,
    }


def _bindings(store, query, meta: dict) -> dict:
    from rivalry.query.execute import bind

    given = {}
    for param in query.params:
        value = SYNTHETIC_PARAMS.get(param.name)
        if value == "firm":
            value = meta["firms"][len(meta["firms"]) // 2]
        elif value == "state":
            value = meta["states"][0]
        if value is not None:
            given[param.name] = value
    return bind(store, query, given)


def stage_queries(work: Path, _size: int, args) -> dict:
    from rivalry.query.catalogue import load_catalogue
    from rivalry.query.execute import ParamError, execute

    meta = json.loads((work / "meta.json").read_text())
    rows = []
    skip = dict(item.split("=", 1) for item in args.skip_queries.split(";") if item)
    for query in load_catalogue(ROOT / "queries"):
        selective = any(p.type in ("entity", "iri") for p in query.params)
        if query.name in skip:
            rows.append({"query": query.name, "selective": selective, "not_run": skip[query.name]})
            continue
        store = ox.Store.read_only(str(work / "store"))  # a fresh handle: the cold run
        try:
            bindings = _bindings(store, query, meta)
        except ParamError as error:  # its default names a curated entity the generator lacks
            reason = f"not run: the generated graph has no value for it ({error})"
            rows.append({"query": query.name, "selective": selective, "not_run": reason})
            continue

        def run(store=store, text=query.text, bindings=bindings) -> int:
            return len(list(execute(store, text, bindings)))

        cold, count = seconds(run)
        # a query over the whole graph (seconds at 1M) runs warm once, to bound the run
        warm = [seconds(run)[0] for _ in range(args.repeat if cold < 1 else 1)]
        rows.append(
            {
                "query": query.name,
                "selective": selective,
                "rows": count,
                "cold_ms": round(cold * 1000, 1),
                "p50_ms": round(statistics.median(warm) * 1000, 1),
                "p95_ms": round(quantile(warm, 95) * 1000, 1),
            }
        )
    rows += _explanations(work, meta)
    return {"queries": rows}


def _explanations(work: Path, meta: dict) -> list[dict]:
    """`rivalry explain exposure` of a state and a firm, in the queries' table."""
    from datetime import date

    from rivalry.analysis import exposure

    store = ox.Store.read_only(str(work / "store"))
    rows = []
    for kind, entity in (
        ("state", meta["states"][0]),
        ("firm", meta["firms"][len(meta["firms"]) // 2]),
    ):

        def run(entity=entity) -> int:
            return len(exposure.explain(store, entity, date(2025, 12, 31)).paths)

        cold, count = seconds(run)
        warm = [seconds(run)[0] for _ in range(3)]
        rows.append(
            {
                "query": f"explain exposure ({kind})",
                "selective": True,
                "rows": count,
                "cold_ms": round(cold * 1000, 1),
                "p50_ms": round(statistics.median(warm) * 1000, 1),
                "p95_ms": round(max(warm) * 1000, 1),
            }
        )
    return rows


def stage_explain(work: Path, _size: int, _args) -> dict:
    """`rivalry explain exposure` of the hub state (the most firms and projects in it), two
    other states and two firms: cold (a fresh store handle) and warm."""
    from datetime import date

    from rivalry.analysis import exposure
    from rivalry.kernel.terms import tr

    meta = json.loads((work / "meta.json").read_text())
    probe = ox.Store.read_only(str(work / "store"))

    def degree(state: str) -> int:
        node = ox.NamedNode(state)
        return sum(
            1
            for p in (tr.headquarteredIn, tr.locatedIn, tr.facilityIn)
            for _ in probe.quads_for_pattern(None, ox.NamedNode(p), node, ox.DefaultGraph())
        )

    states = sorted(meta["states"], key=degree, reverse=True)
    picks = [("hub state", states[0]), ("state", states[1]), ("state", states[-1])]
    picks += [("firm", meta["firms"][len(meta["firms"]) // 2]), ("firm", meta["firms"][0])]
    rows = []
    for kind, entity in picks:
        store = ox.Store.read_only(str(work / "store"))

        def run(store=store, entity=entity) -> int:
            return len(exposure.explain(store, entity, date(2025, 12, 31)).paths)

        cold, count = seconds(run)
        warm = [seconds(run)[0] for _ in range(3)]
        rows.append(
            {
                "entity": f"{kind} {entity.rsplit('/', 1)[-1]}",
                "links_to_it": degree(entity) if "state" in kind else None,
                "paths": count,
                "cold_ms": round(cold * 1000, 1),
                "p50_ms": round(statistics.median(warm) * 1000, 1),
            }
        )
    return {"explain": rows}


def stage_gate(work: Path, size: int, args) -> dict:
    from rivalry import reason
    from rivalry.gate.check import check_change
    from rivalry.kernel.paths import Project
    from rivalry.load.parse import Sources, load_vocabulary
    from rivalry.validate.layers import validate
    from tools.synthetic import change_set, generate

    project = Project.locate(ROOT)
    vocabulary = load_vocabulary(project)
    data = generate(size)
    base = Sources(vocabulary.ontology, vocabulary.shapes, data.quads)
    store = reason.materialised(base, project.rules_dir)
    quads = change_set(data, facts=100, broken=9)
    change = Sources(facts=quads, origin={q.graph_name.value: Path("change.trig") for q in quads})
    runs = [
        seconds(lambda: check_change(project, store, change, owl=False)) for _ in range(args.repeat)
    ]
    owl_s, _ = seconds(lambda: check_change(project, store, change, owl=True))
    full = Sources(vocabulary.ontology, vocabulary.shapes, data.quads + quads)
    full_s, full_report = seconds(lambda: validate(store, full, owl=False))
    check_s = statistics.median(t for t, _ in runs)
    row = {
        "change_triples": len(quads),
        "check_s": round(check_s, 3),
        "check_with_owl_s": round(owl_s, 2),
        "violations_found": len(runs[0][1].violations),
        "full_validate_s": round(full_s, 2),
        "full_violations": len(full_report.violations),
        "ratio_vs_validate": round(full_s / check_s, 1),
    }
    return row  # full re-validation by plain pySHACL: the baseline stage


ONE_FACT = ROOT / "tests" / "gate" / "accepted" / "new-chip-of-existing-firm.trig"


def _cli_start(args: list[str], env: dict, repeat: int) -> dict:
    """Import time (the sum of -X importtime's own times) and median wall time of one command."""
    command = [sys.executable, "-m", "rivalry", *args]
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:]], env=env, capture_output=True, text=True
    )
    import_us = sum(
        int(line.split("|")[0].split(":")[1])
        for line in traced.stderr.splitlines()
        if line.startswith("import time:") and line.split("|")[0].split(":")[1].strip().isdigit()
    )
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True)
        walls.append(time.perf_counter() - start)
    return {
        "import_s": round(import_us / 1e6, 3),
        "wall_s": round(statistics.median(walls), 3),
        "exit": traced.returncode,
    }


def stage_startup(work: Path, _size: int, args) -> dict:
    """`rivalry --help` and a one-fact `rivalry check` (with and without OWL) on the curated
    graph: the time a person waits before the command does anything."""
    env = {**os.environ, "RIVALRY_PROJECT": str(ROOT), "RIVALRY_STORE": str(work / "curated")}
    built = subprocess.run(
        [sys.executable, "-m", "rivalry", "build", "--no-owl"], env=env, capture_output=True
    )
    if built.returncode != 0:
        raise RuntimeError(f"building the curated graph failed: {built.stderr.decode()[-2000:]}")
    repeat = max(3, min(args.repeat, 10))
    runs = {
        "help": _cli_start(["--help"], env, repeat),
        "check_no_owl": _cli_start(["check", "--no-owl", str(ONE_FACT)], env, repeat),
        "check_owl": _cli_start(["check", str(ONE_FACT)], env, max(1, repeat // 3)),
    }
    return {f"{name}_{k}": v for name, figures in runs.items() for k, v in figures.items()}


def stage_serve(work: Path, _size: int, args) -> dict:
    from tools.http_load import load
    from tools.loopback import free_port, wait_until_listening

    meta = json.loads((work / "meta.json").read_text())
    oxigraph = str(Path(sys.executable).with_name("oxigraph"))
    dump = work / "dump.nq"
    ox.Store.read_only(str(work / "store")).dump(str(dump), ox.RdfFormat.N_QUADS)
    load_s, _ = seconds(
        lambda: subprocess.run(
            [oxigraph, "load", "--location", str(work / "oxigraph"), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
    )
    dump.unlink()
    lookups = [quote(LOOKUP.format(firm)) for firm in meta["firms"]]
    servers = {
        "rivalry": (
            [
                sys.executable,
                "-m",
                "rivalry",
                "serve",
                "--store",
                str(work / "store"),
                "--workers",
                str(args.workers),
                "--port",
                "{port}",
            ],
            "/sparql?query=",
        ),
        "oxigraph": (
            [oxigraph, "serve", "--location", str(work / "oxigraph"), "--bind", "127.0.0.1:{port}"],
            "/query?query=",
        ),
    }
    rows = []
    for name, (command, path) in servers.items():
        port = free_port()
        process = subprocess.Popen(
            [part.format(port=port) for part in command],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_listening(port, 120)
            paths = [path + q for q in lookups]
            load(port, 2, 2, paths)  # warm up
            row = load(port, args.clients, args.serve_seconds, paths)
            row.pop("hog_failed")
            rows.append({"server": name, **row, "peak_rss_mib": _tree_hwm_mib(process.pid)})
        finally:
            process.terminate()
            process.wait(timeout=60)
    return {"oxigraph_load_s": round(load_s, 2), "serve": rows}


def _tree_hwm_mib(pid: int) -> float:
    """Peak RSS of a process and its children, summed (a server and its query workers)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        status = Path(f"/proc/{current}/status")
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
            total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return round(total / 1024, 1)


# a one-fact change to the curated graph (the size does not apply): what a curator waits for
ONE_FACT = ROOT / "tests" / "gate" / "accepted" / "csv-instrument-announced-date.csv"


def stage_check(work: Path, _size: int, args) -> dict:
    """`rivalry check` of a one-fact change against the curated graph's store, as a curator
    runs it: a fresh process each time, so start-up (imports) is in the wall time."""
    store = work / "curated-store"
    env = {**os.environ, "RIVALRY_PROJECT": str(ROOT), "RIVALRY_STORE": str(store)}
    cli = [sys.executable, "-m", "rivalry"]
    subprocess.run([*cli, "build", "--no-owl"], env=env, check=True, capture_output=True)

    def wall(*options: str) -> float:
        start = time.perf_counter()
        done = subprocess.run(
            [*cli, "check", *options, str(ONE_FACT)], env=env, capture_output=True
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout.decode() + done.stderr.decode())
        return time.perf_counter() - start

    start = time.perf_counter()
    subprocess.run([*cli, "--help"], env=env, check=True, capture_output=True)
    startup = time.perf_counter() - start
    without = [wall("--no-owl") for _ in range(args.repeat)]
    with_owl = [wall() for _ in range(max(1, args.repeat // 2))]
    return {
        "change": str(ONE_FACT.relative_to(ROOT)),
        "startup_help_s": round(startup, 2),
        "check_no_owl_s": round(statistics.median(without), 2),
        "check_owl_s": round(statistics.median(with_owl), 2),
    }


def stage_import(work: Path, size: int, args) -> dict:
    """`rivalry import csl|ftm` of a generated list into a copy of the curated graph, as an
    analyst runs it (every gate layer on): first the file with its planted errors, which
    must be refused with each one reported, then the same list without them, merged."""
    import shutil

    from tools.list_synthetic import csl_csv, ftm_jsonl

    family = args.family
    project = work / "project"
    for part in ("ontology", "graph", "queries"):
        shutil.copytree(ROOT / part, project / part)
    env = {**os.environ, "RIVALRY_PROJECT": str(project), "RIVALRY_STORE": str(work / "store")}
    cli = [sys.executable, "-m", "rivalry"]
    subprocess.run([*cli, "build", "--no-owl"], env=env, check=True, capture_output=True)
    make, suffix = (csl_csv, ".csv") if family == "csl" else (ftm_jsonl, ".json")
    planted = make(work / f"planted{suffix}", size)
    clean = make(work / f"list{suffix}", size, plant=False)
    day = ["--retrieved", "2026-11-20"]

    def timed(path: Path) -> tuple[int, float, float, float, str]:
        """Exit code, wall and CPU seconds, peak RSS (MiB) and output of one import."""
        log = path.with_suffix(".log")
        start = time.perf_counter()
        with open(log, "wb") as sink:
            child = subprocess.Popen(
                [*cli, "import", family, str(path), *day, "--format", "json"],
                env=env, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
            _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime  # what the import itself used: load aside
        return code, wall, cpu, usage.ru_maxrss / 1024, log.read_text(errors="replace")

    code, wall, cpu, rss, text = timed(planted.path)
    at = text.find("\n{\n") + 1 if not text.startswith("{") else 0
    report, _ = json.JSONDecoder().raw_decode(text, at)
    violations = [p for p in report.get("problems", []) if p.get("severity") == "violation"]
    rules = sorted({p["rule"] for p in violations})
    # each planted row ends before it starts: its designation and its timed relation fail
    caught = len({p["focus"] for p in violations})
    row = {
        "family": family,
        "records": planted.rows,
        "planted": planted.planted,
        "refused_exit": code,
        "violations": len(violations),
        "violation_rules": " ".join(rules),
        "all_planted_caught": code == 1 and caught == 2 * planted.planted,
        "check_s": round(wall, 1),
        "check_cpu_s": round(cpu, 1),
        "check_rss_mib": round(rss, 1),
    }
    code, wall, cpu, rss, text = timed(clean.path)
    if code != 0:
        raise RuntimeError(f"the clean list was not imported (exit {code}): {text[-2000:]}")
    row |= {
        "merged_exit": code,
        "import_s": round(wall, 1),
        "import_cpu_s": round(cpu, 1),
        "import_rss_mib": round(rss, 1),
    }
    return row


STAGES = {
    "import": stage_import,
    "generate": stage_generate,
    "build": stage_build,
    "baseline": stage_baseline,
    "owl": stage_owl,
    "queries": stage_queries,
    "explain": stage_explain,
    "gate": stage_gate,
    "check": stage_check,
    "serve": stage_serve,
    "startup": stage_startup,
}


# ------------------------------------------------------------------ the parent


def too_slow(previous: dict | None, previous_size: int, size: int, budget_s: float) -> str:
    """Queries whose cold run, scaled linearly from the last size, would pass the budget:
    ``name=reason;…``, so that they are reported as not run, never silently extrapolated."""
    if not previous:
        return ""
    slow = []
    for q in previous.get("queries", {}).get("queries", []):
        if q.get("cold_ms") and q["cold_ms"] / 1000 * size / previous_size > budget_s:
            slow.append(
                f"{q['query']}=not run: {q['cold_ms'] / 1000:.1f} s cold at {previous_size:,} "
                f"triples, so over the {budget_s:g} s budget (--query-budget) here"
            )
    return ";".join(slow)


def run_stage(stage: str, size: int, work: Path, args, skip_queries: str = "") -> dict:
    """Run one stage in a child process; its result, wall time, peak RSS and load average."""
    command = [sys.executable, __file__, "--stage", stage, "--size", str(size), "--dir", str(work)]
    command += ["--repeat", str(args.repeat), "--serve-seconds", str(args.serve_seconds)]
    command += ["--clients", str(args.clients), "--workers", str(args.workers)]
    command += ["--baseline-sparql-max", str(args.baseline_sparql_max)]
    command += ["--skip-queries", skip_queries, "--family", getattr(args, "family", "csl")]
    before = os.getloadavg()[0]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"stage {stage} at {size} triples failed (see its output above)")
    result = json.loads(output.decode().strip().splitlines()[-1])
    result["stage_wall_s"] = round(wall, 2)
    result["peak_rss_mib"] = round(usage.ru_maxrss / 1024, 1)  # the child's or a descendant's
    result["load_average"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return result


def plan(size: int, args) -> list[tuple[str, str | None]]:
    """The stages for a size, each with the reason it is skipped, if it is."""
    return [
        ("generate", None),
        ("build", None),
        (
            "baseline",
            None
            if size <= args.baseline_max
            else f"not run above {args.baseline_max:,} triples: rdflib + pySHACL take minutes "
            "to hours there (see /work/shared/PERFORMANCE.md)",
        ),
        (
            "owl",
            None
            if size <= args.owl_max
            else f"HermiT not run above {args.owl_max:,} triples (44 s and 4 GiB at 1M)",
        ),
        ("queries", None),
        ("explain", None),
        ("gate", None),
        ("check", None),
        ("serve", None),
        (
            "startup",
            None
            if size == args.first_size
            else "measured once (at the first size), on the curated graph",
        ),
    ]


def ratios(results: dict) -> list[dict]:
    rows = []
    for stages in results.values():
        build, base = stages.get("build", {}), stages.get("baseline", {})
        serve = {r["server"]: r for r in stages.get("serve", {}).get("serve", [])}
        queries = stages.get("queries", {}).get("queries", [])
        selective = [q["p50_ms"] for q in queries if q["selective"] and "p50_ms" in q]
        row = {
            "triples": stages["generate"]["triples"],
            "build_s": build.get("build_s"),
            "baseline_s": base.get("baseline_s"),
            "build_speed_up": round(base["baseline_s"] / build["build_s"], 1)
            if base.get("baseline_s") and build.get("build_s")
            else None,
            "selective_p50_max_ms": max(selective) if selective else None,
            "gate_check_s": stages.get("gate", {}).get("check_s"),
            "serve_vs_oxigraph": round(
                serve["rivalry"]["throughput_rps"] / serve["oxigraph"]["throughput_rps"], 2
            )
            if len(serve) == 2
            else None,
            "serve_p99_ms": serve.get("rivalry", {}).get("p99_ms"),
        }
        rows.append(row)
    return rows


def run_imports(parser: argparse.ArgumentParser, args) -> None:
    """The import stages alone: their rows replace the imports section of bench.json, and
    bench.md is rendered again with every other section as it was."""
    runs = []
    for spec in args.imports.split(","):
        family, _, size = spec.strip().partition(":")
        if family not in ("csl", "ftm"):
            parser.error(f"--imports {spec!r}: write csl:SIZE or ftm:SIZE, e.g. csl:12k")
        try:
            runs.append((family, parse_size(size)))
        except argparse.ArgumentTypeError as err:
            parser.error(str(err))
    data = json.loads((OUT / "bench.json").read_text()) if (OUT / "bench.json").exists() else {}
    rows = []
    for family, size in runs:
        args.family = family
        with tempfile.TemporaryDirectory(prefix="rivalry-bench-", dir=args.workdir) as tmp:
            console.print(f"import {family} at {size:,}")
            row = run_stage("import", size, Path(tmp), args)
        rows.append(row)
        console.print(row)
    data["imports"] = {
        "command": "python scripts/bench.py " + " ".join(sys.argv[1:]),
        "machine": machine_details(),
        "rows": rows,
    }
    (OUT / "bench.json").write_text(json.dumps(data, indent=2) + "\n")
    write(
        {int(k): v for k, v in data.get("results", {}).items()},
        {int(k): v for k, v in data.get("skipped", {}).items()},
        data.get("machine", data["imports"]["machine"]),
        data.get("command", ""),
        data.get("load_average_samples", [0]),
        data["imports"],
    )


def import_lines(imports: dict | None) -> list[str]:
    if not imports:
        return []
    machine = imports["machine"]
    rows = [
        {k: v for k, v in r.items() if k not in ("stage_wall_s", "peak_rss_mib")}
        for r in imports["rows"]
    ]
    for row, raw in zip(rows, imports["rows"], strict=True):
        row["load_average"] = " to ".join(str(x) for x in raw.get("load_average", []))
    return [
        "",
        "## Imports into the curated graph",
        "",
        f"Command: `{imports['command']}`. Load average (1 min) when it started: "
        f"{machine['load_average']}; on {machine['cores']} shared cores the wall times "
        "are upper bounds.",
        "",
        "Each list is generated in the published layout (tools/list_synthetic.py: CSL CSV "
        "with its 29 columns, five source lists, entities, individuals and vessels, addresses, "
        "alternative names, dates; FollowTheMoney JSON lines with companies, organisations, "
        "people, sanctions and ownership) and imported with every gate layer on. `check_s` is "
        "the run with the planted errors (listings that end before they start), which must be "
        "refused with each planted row reported (`all_planted_caught`); `import_s` the same "
        "list without them, merged. `_cpu_s` is the CPU time (user + system) the import "
        "process used, which the other jobs on the machine do not inflate; RSS is its peak.",
        "",
        *markdown_table(rows),
    ]


def write(
    results: dict,
    skipped: dict,
    machine: dict,
    command: str,
    loads: list,
    imports: dict | None = None,
) -> None:
    OUT.mkdir(exist_ok=True)
    if imports is None and (OUT / "bench.json").exists():
        imports = json.loads((OUT / "bench.json").read_text()).get("imports")
    data = {
        "command": command,
        "machine": machine,
        "load_average_samples": loads,
        "summary": ratios(results),
        "results": results,
        "skipped": skipped,
        **({"imports": imports} if imports else {}),
    }
    (OUT / "bench.json").write_text(json.dumps(data, indent=2) + "\n")
    lines = [
        "# Benchmark: build, queries, gate and server on generated graphs",
        "",
        f"Command: `{command}` (one command reproduces this file and bench.json).",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM, "
        f"Python {machine['python']}. Load average (1 min) sampled before and after each stage: "
        f"{min(loads)} to {max(loads)}; the machine is shared with other jobs, so absolute "
        "figures are noisy and ratios come from the same run.",
        "",
        "## Summary",
        "",
        *markdown_table(ratios(results)),
        "",
        "`build_speed_up` = baseline ÷ build (parse, load, infer, validate; OWL separately). "
        "The baseline is plain rdflib parsing plus pySHACL over the whole graph; above "
        "`--baseline-sparql-max` it runs the core shapes only (it runs each SPARQL constraint "
        "once per node: about 100 s at 10k), so there the speed-up is a lower bound.",
    ]
    for size, stages in results.items():
        lines += ["", f"## {stages['generate']['triples']:,} triples", ""]
        lines += markdown_table([_flat(k, v) for k, v in stages.items()])
        if "queries" in stages:
            lines += ["", "Catalogue queries (cold: first run on a freshly opened store):", ""]
            lines += markdown_table(stages["queries"]["queries"])
        if "explain" in stages:
            lines += ["", "`rivalry explain exposure` (one entity, 2025-12-31):", ""]
            lines += markdown_table(stages["explain"]["explain"])
        if "serve" in stages:
            lines += [
                "",
                f"Lookups (`{LOOKUP.format('firm')}` over 64 firms) at the same clients; "
                f"Oxigraph loaded the same quads in {stages['serve']['oxigraph_load_s']} s:",
                "",
            ]
            lines += markdown_table(stages["serve"]["serve"])
        for stage, why in skipped.get(size, {}).items():
            lines.append(f"\n- **{stage} not run**: {why}.")
    lines += import_lines(imports)
    (OUT / "bench.md").write_text("\n".join(lines) + "\n" + _kept_notes())


# bench.md from this line on is written by hand (profiles, before/after runs on one store)
# and kept as it is when the file is rendered again
NOTES_MARKER = "<!-- notes below are kept by scripts/bench.py when it rewrites this file -->"


def _kept_notes() -> str:
    old = OUT / "bench.md"
    text = old.read_text(encoding="utf-8") if old.exists() else ""
    at = text.find(NOTES_MARKER)
    return "\n" + text[at:] if at >= 0 else ""


def _flat(stage: str, result: dict) -> dict:
    keep = ("stage_wall_s", "peak_rss_mib", "load_average")
    details = ", ".join(
        f"{k} {v}" for k, v in result.items() if k not in keep and not isinstance(v, (list, dict))
    )
    load = " to ".join(str(x) for x in result.get("load_average", []))
    return {
        "stage": stage,
        "wall_s": result.get("stage_wall_s"),
        "peak_rss_mib": result.get("peak_rss_mib"),
        "load_average": load,
        "figures": details,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated, e.g. 10k,100k,1m")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter load runs")
    parser.add_argument("--repeat", type=int, default=20, help="warm runs per query and check")
    parser.add_argument("--serve-seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="rivalry serve --workers")
    parser.add_argument("--baseline-max", type=parse_size, default=100_000)
    parser.add_argument("--baseline-sparql-max", type=parse_size, default=10_000)
    parser.add_argument("--owl-max", type=parse_size, default=100_000)
    parser.add_argument(
        "--query-budget",
        type=float,
        default=60,
        help="skip a query at a size where its cold run, scaled from the last size, passes this",
    )
    parser.add_argument("--render", action="store_true", help="rewrite bench.md from bench.json")
    parser.add_argument(
        "--imports",
        help="run only the import stages, e.g. csl:1k,csl:12k,csl:100k,ftm:10k,ftm:100k "
        "(CSL rows or FollowTheMoney entities), and rewrite bench.md with their figures",
    )
    parser.add_argument("--family", default="csl", help=argparse.SUPPRESS)
    parser.add_argument("--skip-queries", default="", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help="where to keep generated data (default: tmp)")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:  # a child: one stage, its result as the last line of output
        print(json.dumps(STAGES[args.stage](args.dir, args.size, args)))
        return
    if args.render:
        data = json.loads((OUT / "bench.json").read_text())
        results = {int(k): v for k, v in data["results"].items()}
        skipped = {int(k): v for k, v in data["skipped"].items()}
        write(results, skipped, data["machine"], data["command"], data["load_average_samples"])
        return
    if args.imports:
        run_imports(parser, args)
        return
    if args.quick:
        args.repeat, args.serve_seconds = min(args.repeat, 5), min(args.serve_seconds, 4)
    try:
        sizes = [parse_size(s) for s in args.sizes.split(",")]
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    args.first_size = sizes[0]
    command = "python scripts/bench.py " + " ".join(sys.argv[1:])
    machine = machine_details()
    results: dict[int, dict] = {}
    skipped: dict[int, dict] = {}
    loads: list[float] = [machine["load_average"][0]]
    last, last_size = None, 1
    with Progress(console=console) as progress:
        task = progress.add_task("Benchmarking", total=sum(len(plan(s, args)) for s in sizes))
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="rivalry-bench-", dir=args.workdir) as tmp:
                for stage, why in plan(size, args):
                    progress.update(task, description=f"{stage} at {size:,} triples")
                    if why:
                        skipped.setdefault(size, {})[stage] = why
                    else:
                        try:
                            slow = too_slow(last, last_size, size, args.query_budget)
                            results.setdefault(size, {})[stage] = run_stage(
                                stage, size, Path(tmp), args, slow
                            )
                        except RuntimeError as err:
                            console.print(f"[red]{err}[/]")
                            sys.exit(1)
                        loads += results[size][stage]["load_average"]
                    progress.advance(task)
            last, last_size = results.get(size), size
            write(results, skipped, machine, command, loads)
    for row in ratios(results):
        console.print(row)


if __name__ == "__main__":
    main()
