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
