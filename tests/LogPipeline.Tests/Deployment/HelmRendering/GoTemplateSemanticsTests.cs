using static LogPipeline.Tests.Deployment.HelmRendering.TemplateSnippet;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The renderer's text/template semantics. Each expected output is derived from the text/template package
/// documentation (pkg.go.dev/text/template) and fmt's; they were also cross-checked once with Go 1.19's own
/// text/template on this machine (not part of the build).</summary>
public sealed class GoTemplateSemanticsTests
{
    [Fact]
    public void Trim_markers_remove_all_white_space_on_their_side_as_in_the_documentations_example()
    {
        // The package documentation: "{{23 -}} < {{- 45}}" produces "23<45"; here with the newlines it allows.
        Assert.Equal("23<45", Render("{{23 -}}\n  <\n  {{- 45}}"));
    }

    [Fact]
    public void A_minus_not_followed_by_a_space_is_a_negative_number_not_a_trim_marker()
    {
        Assert.Equal("a -3", Render("a {{-3}}"));
    }

    [Fact]
    public void A_trimmed_comment_outputs_nothing_and_trims_both_sides()
    {
        Assert.Equal("ab", Render("a  {{- /* a comment\n spanning lines */ -}}  b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(0L)]
    [InlineData(0.0)]
    [InlineData(false)]
    [InlineData(null)]
    public void Empty_values_are_false(object? value)
    {
        Assert.Equal("F", Render("{{if .}}T{{else}}F{{end}}", value));
    }

    [Fact]
    public void An_empty_map_and_an_empty_list_are_false_and_non_empty_ones_true()
    {
        Assert.Equal("F F T T", Render("{{if .a}}T{{else}}F{{end}} {{if .b}}T{{else}}F{{end}} {{if .c}}T{{else}}F{{end}} {{if .d}}T{{else}}F{{end}}",
            Map(("a", Map()), ("b", List()), ("c", Map(("k", null))), ("d", List((object?)null)))));
    }

    [Fact]
    public void The_string_zero_and_a_fraction_are_true()
    {
        Assert.Equal("T T", Render("{{if .a}}T{{end}} {{if .b}}T{{end}}", Map(("a", "0"), ("b", 0.5))));
    }

    [Fact]
    public void Else_if_chains_take_the_first_true_branch()
    {
        const string template = """{{if eq . "a"}}A{{else if eq . "b"}}B{{else}}C{{end}}""";

        Assert.Equal("A B C", $"{Render(template, "a")} {Render(template, "b")} {Render(template, "z")}");
    }

    [Fact]
    public void With_sets_dot_to_its_value_and_takes_else_when_the_value_is_empty()
    {
        Assert.Equal("v|none", Render("{{with .x}}{{.}}{{else}}none{{end}}|{{with .y}}{{.}}{{else}}none{{end}}", Map(("x", "v"))));
    }

    [Fact]
    public void Range_visits_a_maps_keys_in_sorted_byte_order()
    {
        // Upper case sorts before lower case: Go compares the strings with <.
        Assert.Equal("B=3;a=1;b=2;", Render("{{range $k, $v := .}}{{$k}}={{$v}};{{end}}", Map(("b", 2.0), ("a", 1.0), ("B", 3.0))));
    }

    [Fact]
    public void Range_over_a_list_gives_the_index_and_the_element()
    {
        Assert.Equal("0:x 1:y ", Render("{{range $i, $e := .}}{{$i}}:{{$e}} {{end}}", List("x", "y")));
    }

    [Fact]
    public void Range_takes_else_for_an_empty_list_and_for_a_missing_value()
    {
        Assert.Equal("empty empty", Render("{{range .a}}x{{else}}empty{{end}} {{range .b}}x{{else}}empty{{end}}", Map(("a", List()))));
    }

    [Fact]
    public void Dollar_is_the_data_the_template_was_run_with_inside_a_range()
    {
        Assert.Equal("na nb ", Render("{{range .items}}{{$.name}}{{.}} {{end}}", Map(("name", "n"), ("items", List("a", "b")))));
    }

    [Fact]
    public void Assignment_changes_an_outer_variable_and_a_declaration_ends_with_its_if()
    {
        Assert.Equal("2", Render("{{$x := 1}}{{if true}}{{$x = 2}}{{$y := 3}}{{end}}{{$x}}"));

        var e = Assert.Throws<TemplateException>(() => Render("{{if true}}{{$y := 3}}{{end}}\n{{$y}}"));
        Assert.StartsWith("t.yaml:2: undefined variable \"$y\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_defined_template_sees_only_its_own_argument_not_the_callers_variables()
    {
        Assert.Equal("[a]", Render("""{{define "t"}}[{{.}}]{{end}}{{template "t" "a"}}"""));
        Assert.Throws<TemplateException>(() => Render("""{{$x := 1}}{{define "t"}}{{$x}}{{end}}{{template "t"}}"""));
    }

    [Fact]
    public void A_missing_map_key_prints_no_value_and_reading_a_field_of_it_is_an_error()
    {
        Assert.Equal("[<no value>]", Render("[{{.a}}]", Map()));

        var e = Assert.Throws<TemplateException>(() => Render("[{{.a.b}}]", Map()));
        Assert.Contains("nil pointer evaluating interface {}.b", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_field_of_a_struct_is_an_error_not_nil()
    {
        var chart = new TemplateObject("*chart.Metadata", Map(("Name", "logpipeline")));

        Assert.Equal("logpipeline", Render("{{.Name}}", chart));
        Assert.Contains("can't evaluate field Nmae in type *chart.Metadata", Assert.Throws<TemplateException>(() => Render("{{.Nmae}}", chart)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void And_and_or_return_the_deciding_argument()
    {
        Assert.Equal("x 0 b ", Render("""{{or "" "x"}} {{and 1 0}} {{and "a" "b"}} {{or 0 ""}}"""));
    }

    [Fact]
    public void Or_stops_at_the_first_true_argument_without_evaluating_the_rest()
    {
        Assert.Equal("x", Render("""{{or "x" (fail "never evaluated")}}"""));
    }

    [Fact]
    public void Eq_compares_with_each_later_argument_and_nil_with_a_string_is_false()
    {
        Assert.Equal("true false", Render("""{{eq .s "a" "b"}} {{eq .missing "a"}}""", Map(("s", "b"))));
    }

    [Fact]
    public void Eq_of_a_values_float64_and_an_integer_constant_is_an_error_as_in_go()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{{eq .n 2}}", Map(("n", 2.0))));

        Assert.Contains("incompatible types for comparison", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Floats_print_with_the_shortest_g_format_so_a_million_prints_in_exponent_form()
    {
        Assert.Equal("2 0.5 1e+06 123456 0.0001 1e-05",
            Render("{{.a}} {{.b}} {{.c}} {{.d}} {{.e}} {{.f}}", Map(("a", 2.0), ("b", 0.5), ("c", 1e6), ("d", 123456.0), ("e", 0.0001), ("f", 0.00001))));
    }

    [Fact]
    public void Maps_and_lists_print_as_fmt_prints_them()
    {
        Assert.Equal("map[a:<nil> b:[1 x]]", Render("{{.}}", Map(("b", List(1.0, "x")), ("a", null))));
    }

    [Fact]
    public void Printf_formats_s_d_v_and_q()
    {
        Assert.Equal("a-3 2.5 \"a\\\"b\"", Render("""{{printf "%s-%d" "a" 3}} {{printf "%v" .f}} {{printf "%q" "a\"b"}}""", Map(("f", 2.5))));
    }

    [Fact]
    public void Printf_of_a_float64_with_d_is_refused_where_go_would_print_garbage()
    {
        var e = Assert.Throws<TemplateException>(() => Render("""{{printf "%d" .f}}""", Map(("f", 2.0))));

        Assert.Contains("%!d(float64=2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_piped_value_is_the_last_argument_of_the_next_command()
    {
        Assert.Equal("a-x", Render("""{{"x" | printf "%s-%s" "a"}}"""));
    }

    [Fact]
    public void Nil_as_a_command_and_arguments_to_a_map_field_are_errors()
    {
        Assert.Contains("nil is not a command", Assert.Throws<TemplateException>(() => Render("{{nil}}")).Message, StringComparison.Ordinal);
        Assert.Contains("x is not a method but has arguments",
            Assert.Throws<TemplateException>(() => Render("""{{"a" | .x}}""", Map(("x", "b")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_this_renderer_does_not_implement_is_refused_at_parse_time_with_its_line()
    {
        // Even in a branch that never runs: the chart cannot use an untested function unnoticed.
        var e = Assert.Throws<TemplateException>(() => Render("a: 1\n{{if false}}\n{{ lookup \"v1\" \"Secret\" \"ns\" \"x\" }}\n{{end}}"));

        Assert.StartsWith("t.yaml:3: function \"lookup\" is not implemented", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{{block "b" .}}x{{end}}""", "{{block}}")]
    [InlineData("{{range .}}{{break}}{{end}}", "{{break}}")]
    [InlineData("{{ 'a' }}", "character constants")]
    [InlineData("{{ 0755 }}", "octal")]
    public void Constructs_this_renderer_does_not_implement_are_refused(string template, string named)
    {
        var e = Assert.Throws<TemplateException>(() => Render(template, List()));

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("t.yaml:1:", e.Message, StringComparison.Ordinal);
    }
}
