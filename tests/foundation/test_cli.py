import subprocess
import sys

from analysis.cli import build_parser, main


def test_help_lists_every_command_with_a_description():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True, check=True
    ).stdout
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name in sub.choices:
        assert helps[name], f"{name} needs a one-line help"
        assert f"{name}  " in out and helps[name] in out.replace("\n" + " " * 19, " ")


def test_bad_config_exits_non_zero_with_message(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "missing.yaml"), "clean"]) == 2
    assert "not found" in capsys.readouterr().err


def test_clean_starts_without_the_report_machinery(demo_config_path):
    """`clean` is timed from the command line (a new month in seconds): it must not import
    nbconvert and the publish layer, which only reports need (0.3 s of imports)."""
    script = (
        "import sys\n"
        "from analysis.cli import main\n"
        f"code = main(['--config', {str(demo_config_path)!r}, 'clean'])\n"
        "heavy = ('analysis.pipeline', 'analysis.publish.html', 'nbconvert')\n"
        "print(code, [m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "0 []"
