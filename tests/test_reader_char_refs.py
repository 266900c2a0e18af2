"""References to characters XML forbids (issue 21: a surrogate reference crashed --recover and
validate) are read as U+FFFD, as a browser shows them, with a warning."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.readers.repair import _xml_char
from wpmigrate.readers.wxr import read

FIXTURE = FIXTURES / "validate" / "xml-char-invalid.xml"


@pytest.mark.parametrize("recover", [False, True])
def test_surrogate_and_nul_references_read_as_the_replacement_character(recover):
    diagnostics = Diagnostics()
    [post] = list(read([str(FIXTURE)], recover=recover, diagnostics=diagnostics).posts)
    assert post.title == "Smile \ufffd\ufffd \ufffd"
    [warning] = [d for d in diagnostics if d.severity == "warning"]
    assert warning.code == "xml-char-invalid" and warning.line == 15 and "(3x" in warning.message


@pytest.mark.parametrize("to", ["json", "markdown"])
def test_convert_with_recover_gives_output_not_an_internal_error(run_cli, tmp_path, to):
    result = run_cli("convert", FIXTURE, "--to", to, "-o", tmp_path / "out", "--recover")
    assert result.exit_code == 0, result.stderr
    assert "xml-char-invalid" in result.stderr or "U+FFFD" in result.stderr


@pytest.mark.parametrize(("code", "allowed"), [(0x9, True), (0x1F, False), (0x20, True), (0xD800, False),
                                               (0xDFFF, False), (0xE000, True), (0xFFFE, False),
                                               (0x1F600, True), (0x110000, False), (0, False)])
def test_xml_characters(code, allowed):
    assert _xml_char(code) is allowed
