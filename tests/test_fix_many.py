"""`tqcheck fix` over several files and directories, as CI runs it over a content repository.

Files are found as check finds them; --in-place corrects each, -o mirrors the tree into a folder,
--dry-run prints every file's patch; a file that cannot be fixed is named and the others are still fixed.
"""
from __future__ import annotations

import stat
from pathlib import Path

from .test_cli_source import RAISI_SOURCE, RAISI_TARGET

BAD = "Blinken met his counterpart , Qin Gang.\n"
GOOD = "Blinken met his counterpart, Qin Gang.\n"
TALKS_BAD = "The talks ended , then resumed.\n"
TALKS_GOOD = "The talks ended, then resumed.\n"
FIX = ("fix", "--no-model", "--lang", "en", "--rule", "space-before-punctuation")
SEED = Path(__file__).resolve().parent.parent / "seeds" / "blinken-beijing.en.txt"


def _tree(root: Path) -> Path:
    """A small content repository: two stories to fix (one in a subfolder), one clean, one not taken."""
    (root / "news" / "asia").mkdir(parents=True)
    (root / "news" / "a.txt").write_text(BAD, "utf-8")
    (root / "news" / "asia" / "b.md").write_text(TALKS_BAD, "utf-8")
    (root / "news" / "clean.txt").write_text(GOOD, "utf-8")
    (root / "news" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return root / "news"


def test_fix_in_place_corrects_every_file_of_a_folder_and_prints_each_patch(tmp_path, cli):
    news = _tree(tmp_path)
    code, out, err = cli(*FIX, "--in-place", news)
    assert code == 0, err
    assert (news / "a.txt").read_text("utf-8") == GOOD
    assert (news / "asia" / "b.md").read_text("utf-8") == TALKS_GOOD
    assert (news / "a.txt.bak").read_text("utf-8") == BAD and (news / "asia" / "b.md.bak").exists()
    assert not (news / "clean.txt.bak").exists()  # nothing changed: no backup
    assert f"+++ b/{news / 'a.txt'}" in out and f"+++ b/{news / 'asia' / 'b.md'}" in out
    assert "-Blinken met his counterpart , Qin Gang." in out and "+The talks ended, then resumed." in out
    assert "2 of 2 findings applied in 3 files" in err


def test_fix_o_with_a_folder_mirrors_the_tree_and_leaves_the_inputs_alone(tmp_path, cli):
    news = _tree(tmp_path)
    out_dir = tmp_path / "fixed"
    code, out, err = cli(*FIX, "-o", out_dir, news)
    assert code == 0, err
    assert (out_dir / "a.txt").read_text("utf-8") == GOOD
    assert (out_dir / "asia" / "b.md").read_text("utf-8") == TALKS_GOOD
    assert (out_dir / "clean.txt").read_text("utf-8") == GOOD  # the copy is the whole tree
    assert not (out_dir / "image.png").exists()
    assert (news / "a.txt").read_text("utf-8") == BAD and not list(news.rglob("*.bak"))
    assert f"+++ b/{out_dir / 'asia' / 'b.md'}" in out


def test_fix_o_naming_a_file_with_several_inputs_is_refused_before_the_check(tmp_path, cli):
    news = _tree(tmp_path)
    existing = tmp_path / "out.txt"
    existing.write_text("keep me\n", "utf-8")
    code, _, err = cli(*FIX, "-o", existing, news / "a.txt", news / "asia" / "b.md")
    assert code == 2 and "-o names a file, but fix has several inputs" in err, err
    assert existing.read_text("utf-8") == "keep me\n"
    assert (news / "a.txt").read_text("utf-8") == BAD


def test_fix_two_inputs_of_one_name_into_one_folder_are_refused(tmp_path, cli):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(BAD, "utf-8")
    code, _, err = cli(*FIX, "-o", tmp_path / "out", tmp_path / "x" / "a.txt", tmp_path / "y" / "a.txt")
    assert code == 2 and "would get both" in err and str(tmp_path / "y" / "a.txt") in err, err
    assert not (tmp_path / "out").exists()


def test_one_bad_file_is_named_and_the_others_are_still_fixed(tmp_path, cli):
    news = _tree(tmp_path)
    latin = news / "latin.txt"
    latin.write_bytes("Le café , à Zürich.\n".encode("latin-1"))  # not UTF-8, and no --encoding
    locked = news / "locked.txt"
    locked.write_text(BAD, "utf-8")
    locked.chmod(0o444)
    code, _, err = cli(*FIX, "--in-place", news)
    assert code == 2, err
    assert f"{latin}: not valid UTF-8" in err and f"{locked}: is read-only" in err and "(not fixed)" in err
    assert latin.read_bytes() == "Le café , à Zürich.\n".encode("latin-1") and locked.read_text("utf-8") == BAD
    assert not (news / "latin.txt.bak").exists() and not (news / "locked.txt.bak").exists()
    assert (news / "a.txt").read_text("utf-8") == GOOD
    assert (news / "asia" / "b.md").read_text("utf-8") == TALKS_GOOD
    assert stat.S_IMODE(locked.stat().st_mode) == 0o444


def test_a_file_that_changed_during_the_check_is_left_and_the_others_are_fixed(tmp_path, cli, monkeypatch):
    import tqcheck.cli as cli_module

    news = _tree(tmp_path)
    real_run = cli_module.run_check

    def run_then_edit(*args, **kwargs):
        report = real_run(*args, **kwargs)
        (news / "a.txt").write_text(BAD + "A line someone added meanwhile.\n", "utf-8")
        return report

    monkeypatch.setattr(cli_module, "run_check", run_then_edit)
    code, _, err = cli(*FIX, "--in-place", news)
    assert code == 2 and f"{news / 'a.txt'}: changed while it was being checked" in err, err
    assert (news / "a.txt").read_text("utf-8").endswith("meanwhile.\n") and not (news / "a.txt.bak").exists()
    assert (news / "asia" / "b.md").read_text("utf-8") == TALKS_GOOD


def test_fix_in_place_on_a_folder_with_a_symlink_beside_its_target_fixes_the_file_once(tmp_path, cli):
    news = _tree(tmp_path)
    (news / "z-link.txt").symlink_to("a.txt")
    code, out, err = cli(*FIX, "--in-place", news)
    assert code == 0, err
    assert (news / "a.txt").read_text("utf-8") == GOOD and (news / "z-link.txt").is_symlink()
    assert "the same file as" in err and "fixed once" in err
    assert out.count("-Blinken met his counterpart , Qin Gang.") == 1
    assert sorted(p.name for p in news.glob("*.bak*")) == ["a.txt.bak"]


def test_fix_dry_run_prints_every_patch_and_writes_nothing(tmp_path, cli):
    news = _tree(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, out, err = cli(*FIX, "--dry-run", news)
    assert code == 0, err
    assert "+Blinken met his counterpart, Qin Gang." in out and "+The talks ended, then resumed." in out
    assert "2 of 2 findings to apply in 3 files" in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_fix_needs_exactly_one_way_to_write(tmp_path, cli):
    news = _tree(tmp_path)
    for args in ((), ("--in-place", "--dry-run"), ("--in-place", "-o", tmp_path / "out")):
        code, _, err = cli(*FIX, *args, news)
        assert code == 2 and "give one of -o OUT, --in-place or --dry-run" in err


def test_fix_refuses_stdin_which_it_cannot_write_back(cli):
    code, _, err = cli(*FIX, "--dry-run", "-", input=BAD)
    assert code == 2 and "stdin cannot be written back" in err


def test_fix_of_a_folder_takes_each_file_s_source_from_a_mirroring_source_folder(tmp_path, cli):
    for folder, text in (("en", RAISI_TARGET), ("zh", RAISI_SOURCE)):
        (tmp_path / folder / "iran").mkdir(parents=True)
        (tmp_path / folder / "iran" / "raisi.txt").write_text(text, "utf-8")
    (tmp_path / "en" / "other.txt").write_text(BAD, "utf-8")  # no source beside it: said, still fixed
    code, _, err = cli("fix", tmp_path / "en", "--source", tmp_path / "zh", "--lang", "en", "--no-model",
                       "--rule", "name-variant", "--rule", "space-before-punctuation", "--min-confidence", "0.5",
                       "-o", tmp_path / "fixed")
    assert code == 0, err
    assert "Raisi's hardline government" in (tmp_path / "fixed" / "iran" / "raisi.txt").read_text("utf-8")
    assert (tmp_path / "fixed" / "other.txt").read_text("utf-8") == GOOD
    assert "other.txt: no source file found" in err
    assert (tmp_path / "en" / "iran" / "raisi.txt").read_text("utf-8") == RAISI_TARGET


def test_fix_leaves_the_suggestions_below_the_bar_and_fails_on_them_as_check_does(tmp_path, cli):
    # On the seed without the model: a safe space fix at confidence 1.0, and name and heading fixes at
    # 0.75-0.8.  Above --fix-confidence 0.9 only the first is applied; the rest are left for a person.
    out = tmp_path / "seed.fixed.txt"
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--fix-confidence", "0.9", "-o", out, SEED)
    assert code == 0, err
    assert "1 of 4 findings applied (confidence >= 0.9), 3 suggestions left for a person" in err
    fixed = out.read_text("utf-8")
    assert "Qing Gang" in fixed and " ," not in fixed
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--fix-confidence", "0.9", "--fail-on", "warning",
                       "-o", out, SEED)
    assert code == 1, err
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--fail-on", "warning", "-o", out, SEED)
    assert code == 0, err  # every finding applied: nothing is left to fail on
