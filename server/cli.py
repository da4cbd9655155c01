"""`driekamer serve | validate | bots | aggregate | import-pabulib`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="driekamer", description="DrieKamerSpel: serious games for housing associations")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("serve", help="run the server (default scenario, SQLite)")
    s.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    s.add_argument("--database", default=os.environ.get("DATABASE_URL"), help="e.g. sqlite:///data/driekamer.db")
    s.add_argument("--public-url", default=os.environ.get("PUBLIC_URL", ""))

    v = sub.add_parser("validate", help="check a scenario file; errors name file, line and field")
    v.add_argument("file")

    b = sub.add_parser("bots", help="play a whole game with bots against a running server "
                                    "(a driekamer or a prioriteitenspel scenario, e.g. --scenario regio)",
                       description="Play a whole game with seeded bots through the JSON API and check the "
                                   "figures; exit 0 only if the game finished and everything checks out. "
                                   "A prioriteitenspel scenario (e.g. regio) is played at one table: each bot "
                                   "represents a stakeholder (round-robin), the facilitator locks, reveals, "
                                   "opens the joint round from MES and closes it.")
    b.add_argument("--url", default="http://127.0.0.1:8000")
    b.add_argument("--players", type=int, default=3)
    b.add_argument("--tables", type=int, default=1)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--scenario", default="woonstad")

    a = sub.add_parser("aggregate", help="joint package of a Pabulib .pb file")
    a.add_argument("file")
    a.add_argument("--rule", default="mes-add1", choices=["greedy", "mes", "mes-add1", "mes-add1u", "max-welfare"])

    im = sub.add_parser("import-pabulib", help="turn a Pabulib .pb file into a prioriteitenspel scenario")
    im.add_argument("file")
    im.add_argument("--out", help="where to write the scenario (default scenarios/<id>.yaml; - for stdout)")
    im.add_argument("--template", default=str(Path(__file__).resolve().parent.parent / "scenarios" / "regio.yaml"))

    args = p.parse_args(argv)
    if args.cmd == "serve":
        return _serve(args)
    if args.cmd == "validate":
        from game.scenario import ScenarioError, load_file
        try:
            sc = load_file(args.file)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if sc.id != Path(args.file).stem:
            print(f"error: {args.file}, line 1: id: '{sc.id}' must equal the file name '{Path(args.file).stem}' "
                  f"(rooms are opened by it)", file=sys.stderr)
            return 1
        print(f"ok: {args.file}: scenario '{sc.id}' ({sc.name}), {sc.rounds} rounds, {len(sc.options)} options")
        return 0
    if args.cmd == "bots":
        from .bot_run import run_bots
        return run_bots(args.url, args.players, args.tables, args.seed, scenario=args.scenario)
    if args.cmd == "aggregate":
        from game.pabulib import PabulibError, run_aggregate_cli
        try:
            print(run_aggregate_cli(args.file, args.rule))
        except (OSError, PabulibError) as exc:
            print(f"error: {args.file}: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.cmd == "import-pabulib":
        return _import(args)
    return 2


def _import(args) -> int:
    from game.pabulib import PabulibError, load_pb
    from game.pabulib_import import import_instance
    from game.scenario import ScenarioError, load_text

    try:
        text = import_instance(load_pb(args.file), Path(args.template).read_text(encoding="utf-8"))
        scenario = load_text(text, file=args.file)
    except (OSError, PabulibError, ScenarioError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    if args.out == "-":
        print(text)
        return 0
    out = Path(args.out) if args.out else Path(args.template).parent / f"{scenario.id}.yaml"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: scenario '{scenario.id}' with {len(scenario.options)} posts, "
          f"joint budget {scenario.prioriteiten.joint_budget}, {scenario.prioriteiten.reference.voters} reference voters")
    return 0


def _serve(args) -> int:
    import uvicorn

    from .app import create_app
    from .settings import Settings

    overrides = {"host": args.host, "port": args.port, "public_url": args.public_url}
    if args.database:
        overrides["database_url"] = args.database
    settings = Settings(**overrides)
    print(f"DrieKamerSpel: open http://{'localhost' if args.host in ('0.0.0.0', '127.0.0.1') else args.host}:{args.port}/ "
          f"(database {settings.database_url})", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning",
                timeout_graceful_shutdown=3, ws_ping_interval=20, ws_ping_timeout=20,
                ws_per_message_deflate=False)  # views are re-rendered per change; compressing them costs more than it saves on a LAN
    return 0


if __name__ == "__main__":
    sys.exit(main())
