"""cli/gotemplate.py: the Go text/template subset podman's --format users write, checked against what Go
prints (the expected strings are Go's output for the same template and data)."""

from __future__ import annotations

import pytest

from cli.gotemplate import TemplateError, render, report, tabwrite

DATA = {"Repository": "docker.io/library/alpine", "Tag": "latest", "Size": 7338, "Names": ["a:1", "b:2"],
        "Labels": {"z": "1", "a": "2"}, "Empty": [], "Nil": None, "Yes": True,
        "Config": {"Env": ["PATH=/bin"], "Cmd": None}}


@pytest.mark.parametrize("template, expected", [
    ("{{.Repository}}:{{.Tag}}", "docker.io/library/alpine:latest"),
    ("{{.Names}}", "[a:1 b:2]"),
    ("{{.Labels}}", "map[a:2 z:1]"),
    ("{{.Nil}}", "<no value>"),
    ("{{.Config.Cmd}}", "<no value>"),
    ("{{json .Names}}", '["a:1","b:2"]'),
    ("{{.Names | json}}", '["a:1","b:2"]'),
    ("{{range .Names}}<{{.}}>{{end}}", "<a:1><b:2>"),
    ("{{range .Empty}}x{{else}}none{{end}}", "none"),
    ("{{if .Yes}}y{{else}}n{{end}}{{if .Empty}}y{{else}}n{{end}}", "yn"),
    ("{{with .Config}}{{index .Env 0}}{{end}}", "PATH=/bin"),
    ('{{printf "%-8s|%5d|" .Tag .Size}}', "latest  | 7338|"),
    ("{{len .Names}} {{upper .Tag}} {{lower \"AB\"}}", "2 LATEST ab"),
    ('{{join .Names ","}}', "a:1,b:2"),
    ("a  {{- .Tag -}}  b", "alatestb"),
    ("{{index .Labels \"z\"}}", "1"),
])
def test_go_semantics(template, expected):
    assert render(template, DATA) == expected


@pytest.mark.parametrize("template", ["{{.Nope}}", "{{range .Names}}", "{{.Tag", "{{nofunc .Tag}}", "{{end}}"])
def test_mistakes_are_template_errors(template):
    with pytest.raises(TemplateError):
        render(template, DATA)


def test_table_header_tabs_and_podmans_tabwriter():
    rows = [{"Repository": "docker.io/library/hello-world", "Tag": "latest", "ID": "feb5d9fea6a5"}]
    out = report("table {{.Repository}}\\t{{.Tag}} {{.ID}}", rows, {"ID": "IMAGE ID"})
    # podman 4.3.1 `images --format 'table {{.Repository}}\t{{.Tag}} {{.ID}}'`, measured
    assert out == ("REPOSITORY                     TAG         IMAGE ID\n"
                   "docker.io/library/hello-world  latest      feb5d9fea6a5\n")
    assert report("{{.Tag}}\\t{{.ID}}", rows, {}) == "latest\tfeb5d9fea6a5\n"  # no table: tabs stay tabs


def test_tabwriter_minimum_width_and_last_cell():
    assert tabwrite("a\tb\tc\nlonger-than-12-chars\tx\ty") == \
        "a                     b           c\nlonger-than-12-chars  x           y"
