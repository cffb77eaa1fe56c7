"""Generate docs/cli.md from the command tree, so the reference never drifts from the code.

    python -m suara.cli._docs > docs/cli.md
"""
from __future__ import annotations

import typer


def _is_group(cmd) -> bool:
    return isinstance(getattr(cmd, "commands", None), dict)


def _walk(cmd, path: list[str]):
    yield path, cmd
    if _is_group(cmd):
        for name in sorted(cmd.commands):
            yield from _walk(cmd.commands[name], path + [name])


def cli_reference() -> str:
    """Markdown reference of every command with its help and options."""
    from suara.cli import app
    root = typer.main.get_command(app)
    out = ["# Command-line reference", "",
           "Generated from the code (`python -m suara.cli._docs > docs/cli.md`); "
           "`suara COMMAND --help` shows the same.", ""]
    for path, cmd in _walk(root, ["suara"]):
        if len(path) == 1:
            continue
        out.append(f"## `{' '.join(path)}`")
        out.append("")
        if cmd.help:
            out.append(cmd.help.strip().split("\n\n")[0].strip())
            out.append("")
        if _is_group(cmd):
            continue
        rows = []
        for p in cmd.params:
            if p.param_type_name == "argument":
                rows.append(((p.name or "").upper(), "argument" + (f": {p.help}" if getattr(p, "help", None) else ""), ""))
            elif p.param_type_name == "option" and not getattr(p, "hidden", False) and "--help" not in p.opts:
                default = "" if p.default in (None, False, ()) or callable(p.default) else f"default: {p.default}"
                rows.append((", ".join(p.opts), (p.help or "").replace("|", "\\|"), default))
        if rows:
            out.append("| option | meaning | |")
            out.append("|---|---|---|")
            out.extend(f"| `{a}` | {b} | {c} |" for a, b, c in rows)
            out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
