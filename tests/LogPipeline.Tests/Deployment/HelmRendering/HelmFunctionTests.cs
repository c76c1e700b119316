using static LogPipeline.Tests.Deployment.HelmRendering.TemplateSnippet;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The Sprig and Helm functions the renderer implements. Expected outputs come from Sprig's documentation
/// (masterminds.github.io/sprig), Helm's (helm.sh/docs/chart_template_guide) and the Go packages they call
/// (encoding/json, crypto/sha256, encoding/base64, go-yaml v2 through sigs.k8s.io/yaml).</summary>
public sealed class HelmFunctionTests
{
    [Fact]
    public void Nindent_starts_a_new_line_and_indents_every_line_empty_ones_included()
    {
        Assert.Equal("x:\n  a\n  \n  b", Render("""x:{{ "a\n\nb" | nindent 2 }}"""));
        Assert.Equal("  a\n  b", Render("""{{ indent 2 "a\nb" }}"""));
    }

    [Fact]
    public void Nindent_with_a_float64_from_the_values_is_an_error_as_in_go()
    {
        var e = Assert.Throws<TemplateException>(() => Render("""{{ "a" | nindent .n }}""", Map(("n", 4.0))));

        Assert.Contains("expected int; got float64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_replaces_every_empty_value_and_keeps_the_others()
    {
        var values = Map(("empty", ""), ("zero", 0.0), ("no", false), ("set", "v"));

        Assert.Equal("d d d d v", Render("""{{ .missing | default "d" }} {{ .empty | default "d" }} {{ .zero | default "d" }} {{ .no | default "d" }} {{ .set | default "d" }}""", values));
    }

    [Fact]
    public void Quote_uses_gos_q_and_prints_numbers_with_v_and_nothing_for_nil()
    {
        Assert.Equal("\"a\\\"b\" \"2\" ", Render("""{{ quote "a\"b" }} {{ .n | quote }} {{ .missing | quote }}""", Map(("n", 2.0))));
    }

    [Fact]
    public void Trunc_and_trimSuffix_give_the_results_of_sprigs_documentation()
    {
        // Sprig: trunc 5 "hello world" → hello; trunc -5 "hello world" → world; trimSuffix "-" "hello-" → hello.
        Assert.Equal("hello world hello", Render("""{{ trunc 5 "hello world" }} {{ trunc -5 "hello world" }} {{ trimSuffix "-" "hello-" }}"""));
    }

    [Fact]
    public void Sha256sum_and_b64enc_hash_and_encode_the_utf8_text()
    {
        // FIPS 180-2's test vector for "abc"; RFC 4648's "foobar".
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad Zm9vYmFy",
            Render("""{{ sha256sum "abc" }} {{ b64enc "foobar" }}"""));
    }

    [Fact]
    public void ToJson_sorts_keys_escapes_html_and_writes_floats_as_encoding_json()
    {
        var value = Map(("b", 1.0), ("a", "<x>&"), ("c", 1e21), ("d", 1e-7), ("e", 1e20), ("f", 0.5));

        Assert.Equal("""{"a":"\u003cx\u003e\u0026","b":1,"c":1e+21,"d":1e-7,"e":100000000000000000000,"f":0.5}""", Render("{{ toJson . }}", value));
    }

    [Fact]
    public void ToPrettyJson_indents_by_two_spaces_and_writes_empty_containers_inline()
    {
        var value = Map(("b", Map()), ("a", List(1.0, Map(("x", true)))), ("c", List()));

        Assert.Equal("{\n  \"a\": [\n    1,\n    {\n      \"x\": true\n    }\n  ],\n  \"b\": {},\n  \"c\": []\n}", Render("{{ toPrettyJson . }}", value));
    }

    [Fact]
    public void ToYaml_writes_block_style_with_sorted_keys_and_no_final_newline()
    {
        var resources = Map(("requests", Map(("cpu", "250m"), ("memory", "224Mi"))), ("limits", Map(("memory", "320Mi"))));

        Assert.Equal("limits:\n  memory: 320Mi\nrequests:\n  cpu: 250m\n  memory: 224Mi", Render("{{ toYaml . }}", resources));
    }

    [Fact]
    public void ToYaml_writes_lists_inside_maps_unindented_and_maps_inside_lists_after_the_dash()
    {
        var value = Map(("a", List("x", Map(("k", 1.0), ("l", 2.5)))), ("b", Map()), ("c", List()));

        Assert.Equal("a:\n- x\n- k: 1\n  l: 2.5\nb: {}\nc: []", Render("{{ toYaml . }}", value));
    }

    [Fact]
    public void ToYaml_quotes_strings_that_would_read_back_as_another_type()
    {
        var value = Map(("hex", "0x6000000"), ("bool", "yes"), ("duration", "00:00:25"), ("empty", ""), ("number", "12"),
            ("star", "*.example.com"), ("url", "https://es:9200"), ("colon", "a: b"));

        Assert.Equal("bool: \"yes\"\ncolon: 'a: b'\nduration: \"00:00:25\"\nempty: \"\"\nhex: \"0x6000000\"\nnumber: \"12\"\nstar: '*.example.com'\nurl: https://es:9200",
            Render("{{ toYaml . }}", value));
    }

    [Fact]
    public void ToYaml_orders_keys_as_go_yaml_does_with_digit_runs_compared_as_numbers()
    {
        var value = Map(("a10", 1.0), ("a9", 1.0), ("a", 1.0), ("B", 1.0));

        Assert.Equal("B: 1\na: 1\na9: 1\na10: 1", Render("{{ toYaml . }}", value));
    }

    [Fact]
    public void ToYaml_refuses_strings_whose_style_it_does_not_implement()
    {
        Assert.Throws<TemplateException>(() => Render("{{ toYaml . }}", Map(("text", "line one\nline two"))));
        Assert.Throws<TemplateException>(() => Render("{{ toYaml . }}", Map(("date", "2026-12-07"))));
    }

    [Fact]
    public void Required_fails_on_nil_and_on_an_empty_string_with_its_message()
    {
        Assert.Equal("v", Render("""{{ required "x is required" .x }}""", Map(("x", "v"))));
        Assert.Contains("x is required", Assert.Throws<TemplateException>(() => Render("""{{ required "x is required" .x }}""", Map())).Message, StringComparison.Ordinal);
        Assert.Throws<TemplateException>(() => Render("""{{ required "x is required" .x }}""", Map(("x", ""))));
    }

    [Fact]
    public void Fail_stops_the_rendering_with_its_message_and_line()
    {
        var e = Assert.Throws<TemplateException>(() => Render("a\n{{ fail \"mode must be daemonset or deployment\" }}"));

        Assert.StartsWith("t.yaml:2: error calling fail: mode must be daemonset or deployment", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindIs_names_gos_reflect_kinds_with_nil_as_invalid()
    {
        Assert.Equal("true true true true", Render("""{{ kindIs "invalid" .missing }} {{ kindIs "float64" .n }} {{ kindIs "map" . }} {{ kindIs "int" 3 }}""", Map(("n", 2.0))));
    }

    [Fact]
    public void Include_returns_a_defined_templates_output_for_a_pipeline()
    {
        const string template = "{{- define \"labels\" -}}\na: {{ .a }}\nb: 2\n{{- end -}}\nmetadata:\n  labels:\n    {{- include \"labels\" . | nindent 4 }}";

        Assert.Equal("metadata:\n  labels:\n    a: 1\n    b: 2", Render(template, Map(("a", 1.0))));
    }

    [Fact]
    public void Include_of_a_template_nobody_defined_is_an_error()
    {
        Assert.Throws<TemplateException>(() => Render("""{{ include "nothing" . }}"""));
    }
}
