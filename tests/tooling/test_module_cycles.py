"""scripts/check-module-cycles.py on small crates written for the purpose."""
import importlib.util
import io
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check-module-cycles.py"
spec = importlib.util.spec_from_file_location("check_module_cycles", SCRIPT)
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def crate(files):
    """A crate folder with `files` (path under src/ → text); returns its folder."""
    folder = Path(tempfile.mkdtemp())
    for path, text in files.items():
        target = folder / "src" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return folder


def run(folder):
    out = io.StringIO()
    with redirect_stdout(out):
        code = check.main([str(folder)])
    return code, out.getvalue()


def circles(files):
    """The arrows the check prints for the crate `files` make; none when it passes."""
    code, out = run(crate(files))
    arrows = {line.strip() for line in out.splitlines() if "→" in line}
    assert (code == 1) == bool(arrows), out
    return arrows


class ModuleCycles(unittest.TestCase):
    def test_two_modules_that_use_each_other_are_a_circle(self):
        found = circles({
            "lib.rs": "pub mod a;\npub mod b;\n",
            "a.rs": "use crate::b::Bee;\npub struct Ay;\n",
            "b.rs": "pub struct Bee(crate::a::Ay);\n",
        })
        self.assertEqual(found, {"crate::a → crate::b", "crate::b → crate::a"})

    def test_a_parent_that_only_re_exports_its_children_is_no_circle(self):
        self.assertEqual(circles({
            "lib.rs": "pub mod chart;\n",
            "chart/mod.rs": "mod bars;\npub use bars::{Bar, bars};\npub fn percent() {}\n",
            "chart/bars.rs": "use super::percent;\npub struct Bar;\npub fn bars() {}\n",
        }), set())

    def test_a_name_is_followed_through_re_exports_to_its_module(self):
        found = circles({
            "lib.rs": "pub mod ml;\n",
            "ml/mod.rs": "pub mod fit;\npub mod train;\npub use train::Trained;\n",
            "ml/fit.rs": "use crate::ml::Trained;\n",
            "ml/train.rs": "use super::fit;\npub struct Trained;\n",
        })
        self.assertIn("crate::ml::fit → crate::ml::train", found)

    def test_tests_comments_strings_and_aliases_are_not_arrows(self):
        found = circles({
            "lib.rs": "pub mod a;\npub mod b;\n",
            "a.rs": "use crate::b::{Toasts as Bs};\npub struct Ay;\n",
            "b.rs": (
                "pub struct Toasts;\n"
                "// crate::a::Ay in a comment\n"
                'const S: &str = "crate::a::Ay";\n'
                "#[cfg(test)]\n#[cfg_attr(coverage_nightly, coverage(off))]\n"
                "mod tests {\n    use crate::a::Ay;\n}\n"
            ),
        })
        self.assertEqual(found, set())


if __name__ == "__main__":
    unittest.main()
