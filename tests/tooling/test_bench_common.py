"""What the benchmarks share (`tooling.bench`): the bare template they compare their timed
figures with, and those ratios."""

from tooling import bench_bare
from tooling.bench import bare_render_ms, with_bare_ratios


def test_bare_template_renders_25_escaped_rows():
    html = bench_bare.render_in_process()

    assert html.count("<tr>\n<td>") == 25
    assert "<td>Entreprise &lt;0&gt; &amp; fils</td>" in html
    assert "<td>EN INSTRUCTION</td><td>01/01/2026</td>" in html


def test_bare_render_ms_is_a_positive_duration():
    assert bare_render_ms(renders=5) > 0


def test_with_bare_ratios_adds_a_ratio_for_each_timed_figure_after_the_figures():
    figures = {
        "page_ms": 12.5,
        "page_p99_ms_home": 3.0,
        "build_s": 2.0,
        "queries": 7,
        "applications": 100,
    }

    assert with_bare_ratios(figures, bare_ms=0.25) == {
        "page_ms": 12.5,
        "page_p99_ms_home": 3.0,
        "build_s": 2.0,
        "queries": 7,
        "applications": 100,
        "bare_render_ms": 0.25,
        "page_ms_x_bare": 50.0,
        "page_p99_ms_home_x_bare": 12.0,
        "build_s_x_bare": 8000.0,
    }
    assert list(with_bare_ratios(figures, bare_ms=0.25))[:5] == list(figures)
