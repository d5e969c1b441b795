#!/usr/bin/env python3
"""Fails when the modules of a crate import each other in a circle.

For every crate of the workspace (each `src/lib.rs`), each module file is a node and each
path that names another module's item is an arrow: `use crate::a::B`, `crate::a::f()`,
`super::x`, `self::x` and a child module's name. `pub use` (a re-export) and `mod` lines are
not arrows, and a name is followed through re-exports to the module that defines it, so a
parent that only re-exports its children does not sit in a circle with them. Test modules
(`#[cfg(test)] mod tests`) are left out: tests may reach anywhere.

The same question `cargo modules dependencies --acyclic` answers, without building
rust-analyzer. Usage: scripts/check-module-cycles.py [crate folder ...] (default: every
crate of the workspace). Exit 1 and the circles when there are any.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(text):
    """The code without comments, string and char literals, and `#[cfg(test)]` modules."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "r" and re.match(r'r#*"', text[i:]) and (i == 0 or not re.match(r"\w", text[i - 1])):
            hashes = re.match(r"r(#*)\"", text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            out.append('""')
            i = n if end < 0 else end + 1 + len(hashes)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:]):
            i += len(re.match(r"'(\\.|[^\\'])'", text[i:]).group(0))
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    # Drop test modules: `#[cfg(test)]` (with any attributes after it) then `mod x { ... }`.
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(#\[[^\]]*\]\s*)*(pub(\([^)]*\))?\s+)?mod\s+" + IDENT + r"\s*\{", code)
        if not m:
            return code
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        code = code[: m.start()] + code[j:]


def expand(tree):
    """`a::{b, c::{d, e as f}}` → [['a','b'], ['a','c','d'], ['a','c','e','as','f']]."""
    tree = re.sub(r"\s+", "", re.sub(r"\s+as\s+", "::as::", tree))

    def parse(s):
        paths, depth, start, parts = [], 0, 0, []
        for k, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:k])
                start = k + 1
        parts.append(s[start:])
        for part in filter(None, parts):
            brace = part.find("{")
            if brace >= 0 and part.endswith("}"):
                prefix = [p for p in part[:brace].split("::") if p]
                paths += [prefix + rest for rest in parse(part[brace + 1 : -1])]
            else:
                paths.append(part.split("::"))
        return paths

    return [[seg for seg in p if seg] for p in parse(tree)]


class Crate:
    def __init__(self, src):
        self.src = src
        self.files = {}  # module path (tuple) -> file
        for f in sorted(src.rglob("*.rs")):
            rel = f.relative_to(src).with_suffix("")
            parts = list(rel.parts)
            if parts == ["lib"]:
                parts = []
            elif parts == ["main"] or parts[0] == "bin":
                continue
            elif parts[-1] == "mod":
                parts = parts[:-1]
            if parts and parts[-1] == "tests":
                continue
            self.files[tuple(parts)] = f
        self.code = {m: strip(f.read_text()) for m, f in self.files.items()}
        self.reexports = {m: self.reexports_of(m) for m in self.files}

    def reexports_of(self, module):
        """Name → the path it re-exports, for `pub use` lines of `module`."""
        found = {}
        for m in re.finditer(r"\bpub(\([^)]*\))?\s+use\s+([^;]+);", self.code[module]):
            for path in expand(m.group(2)):
                alias = None
                if "as" in path and path.index("as") == len(path) - 2:
                    alias = path[-1]
                    path = path[:-2]
                if path and path[-1] not in ("*", "self"):
                    found[alias or path[-1]] = path
        return found

    def absolute(self, module, path):
        """`path` as written in `module`, from the crate root; None when outside the crate."""
        if not path:
            return None
        head = path[0]
        if head == "crate":
            return path[1:]
        if head == "self":
            return list(module) + path[1:]
        if head == "super":
            base = list(module)
            while path and path[0] == "super":
                base, path = base[:-1], path[1:]
            return base + path
        if tuple(module) + (head,) in self.files:
            return list(module) + path
        return None

    def resolve(self, path, seen=0):
        """The module that defines what `path` (from the root) names."""
        for cut in range(len(path), -1, -1):
            if tuple(path[:cut]) in self.files:
                module, rest = tuple(path[:cut]), path[cut:]
                break
        else:
            return None
        if rest and rest[0] in self.reexports[module] and seen < 20:
            target = self.absolute(module, self.reexports[module][rest[0]])
            if target is not None:
                return self.resolve(target + rest[1:], seen + 1)
        return module

    def arrows(self):
        edges = {m: set() for m in self.files}
        for module, code in self.code.items():
            code = re.sub(r"\bpub(\([^)]*\))?\s+use\s+[^;]+;", "", code)
            paths = []
            for m in re.finditer(r"\buse\s+([^;]+);", code):
                paths += expand(m.group(1))
            rest = re.sub(r"\buse\s+[^;]+;", "", code)
            paths += [p.split("::") for p in re.findall(r"\b(?:crate|super|self)(?:::" + IDENT + r")+", rest)]
            children = "|".join(re.escape(p[-1]) for p in self.files if len(p) == len(module) + 1 and p[:-1] == module)
            if children:
                paths += [p.split("::") for p in re.findall(r"(?<![:\w])(?:" + children + r")(?:::" + IDENT + r")+", rest)]
            for path in paths:
                path = path[: path.index("as")] if "as" in path else path
                target = self.absolute(module, [s for s in path if s != "*"])
                if target is None:
                    continue
                defined = self.resolve(target)
                if defined is not None and defined != module:
                    edges[module].add(defined)
        return edges


def cycles(edges):
    """Tarjan's strongly connected components with more than one module."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def name(module):
    return "::".join(("crate",) + module)


def main(folders):
    if not folders:
        folders = sorted({p.parent.parent for p in ROOT.glob("**/src/lib.rs") if "target" not in p.parts and "node_modules" not in p.parts})
    bad = 0
    for folder in map(Path, folders):
        crate = Crate(folder / "src")
        edges = crate.arrows()
        for group in cycles(edges):
            bad += 1
            members = set(group)
            shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
            print(f"{shown}: modules in a circle:")
            for m in group:
                inside = sorted(name(t) for t in edges[m] if t in members)
                print(f"  {name(m)} → {', '.join(inside)}")
    if bad:
        print(f"{bad} circle(s) of module imports; break each by moving what both sides need "
              "into a module of its own, or into the side that owns it.")
        return 1
    print(f"no circles of module imports in {len(folders)} crates")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
