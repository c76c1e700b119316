using System.Text;
using Enrichers.Json;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

/// <summary>Issue 21: masking fails closed per value, never for the whole record, and never breaks the fields the
/// index needs.</summary>
public class FailClosedTests
{
    private const string Envelope = "\"@timestamp\":\"2026-12-07T04:00:00.123Z\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\",\"level\":\"error\",\"service_name\":\"billing-api\"";

    [Fact]
    public void A_lone_surrogate_escape_is_read_and_the_record_masked_as_usual()
    {
        var masker = new Masker();
        var json = "{" + Envelope + ",\"message\":\"bad \\ud800 text\",\"user\":\"jane@example.com\",\"note\":\"x\\udc00 mail bob@example.org\"}";

        var output = masker.Mask(json);

        Assert.Equal("{" + Envelope + ",\"message\":\"bad \\ud800 text\",\"user\":\"[email]\",\"note\":\"x\uFFFD mail [email]\"}", output);
        Assert.Equal(0, masker.Statistics.EnricherFailures.Total);
        Assert.Equal(0, masker.Statistics.ValuesRedactedOnError);
    }

    [Fact]
    public void A_lone_surrogate_in_a_key_name_does_not_fail_the_record()
    {
        var masker = new Masker();
        var output = masker.Mask("{" + Envelope + ",\"k\\ud800\":\"jane@example.com\"}");

        Assert.Equal("{" + Envelope + ",\"k\\ud800\":\"[email]\"}", output);
        Assert.Equal(0, masker.Statistics.EnricherFailures.Total);
    }

    [Fact]
    public void A_value_whose_masking_throws_becomes_a_marker_alone_and_is_counted()
    {
        var statistics = new EnrichmentStatistics();
        var failures = new List<EnricherFailure>();
        statistics.EnricherFailed += failures.Add;
        var enricher = new PiiMaskingEnricher(new MaskingOptions(), statistics) { ScanProbe = Fail("boom") };
        var record = Parse("{" + Envelope + ",\"message\":\"boom jane@example.com\",\"user\":\"bob@example.org\",\"tags\":[\"boom\"]}");

        enricher.Enrich(record);

        Assert.Equal("{" + Envelope + ",\"message\":\"[redacted:error]\",\"user\":\"[email]\",\"tags\":[\"[redacted:error]\"]}", record.ToString());
        Assert.Equal(2, statistics.ValuesRedactedOnError);
        Assert.Equal(2, statistics.EnricherFailures["masking"]);
        Assert.All(failures, f => Assert.DoesNotContain("jane", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Fields_the_index_needs_keep_a_value_of_their_plain_shape_when_masking_them_fails()
    {
        var enricher = new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics()) { ScanProbe = _ => throw new InvalidOperationException("always") };
        var record = Parse("{" + Envelope + ",\"client\":{\"ip\":\"81.2.69.0\"},\"message\":\"hello\",\"nested\":{\"level\":\"x\"}}");

        enricher.Enrich(record);

        Assert.Equal("{" + Envelope + ",\"client\":{\"ip\":\"81.2.69.0\"},\"message\":\"[redacted:error]\",\"nested\":{\"level\":\"[redacted:error]\"}}", record.ToString());
    }

    [Fact]
    public void A_field_the_index_needs_whose_value_does_not_fit_its_shape_still_becomes_a_marker()
    {
        var enricher = new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics()) { ScanProbe = _ => throw new InvalidOperationException("always") };
        var record = Parse("{\"@timestamp\":\"yesterday at noon, ask jane@example.com\",\"service_name\":\"jane doe\"}");

        enricher.Enrich(record);

        Assert.Equal("{\"@timestamp\":\"[redacted:error]\",\"service_name\":\"[redacted:error]\"}", record.ToString());
    }

    [Theory]
    [InlineData("@timestamp", "2026-12-07T04:00:00.123+01:00", true)]
    [InlineData("@timestamp", "07/12/2026", false)]
    [InlineData("client.ip", "2001:db8::", true)]
    [InlineData("client.ip", "[ip]", false)]
    [InlineData("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", true)]
    [InlineData("service_name", "jane@example.com", false)]
    [InlineData("level", "warn", true)]
    public void Index_fields_tell_their_plain_shape(string field, string value, bool fits)
    {
        var shape = IndexFields.TopLevel.Single(f => f.Name == field).Shape;
        Assert.Equal(fits, IndexFields.Fits(shape, value));
    }

    [Fact]
    public void Every_field_the_index_template_maps_as_a_date_or_an_ip_is_protected()
    {
        var mappings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "index-templates", "component", "smm-logs-mappings.json")))!;
        var typed = new List<string>();
        Collect(mappings["template"]!["mappings"]!["properties"]!.AsObject(), "", typed);

        Assert.NotEmpty(typed);
        Assert.All(typed, path => Assert.Contains(IndexFields.TopLevel, f => f.Name == path));
    }

    private static void Collect(System.Text.Json.Nodes.JsonObject properties, string prefix, List<string> typed)
    {
        foreach (var (name, node) in properties)
        {
            var path = prefix + name;
            if (node!["properties"] is System.Text.Json.Nodes.JsonObject inner)
            {
                Collect(inner, path + ".", typed);
            }
            else if ((string?)node["type"] is "date" or "ip" || ((string?)node["type"] == "keyword" && (name.EndsWith("_id", StringComparison.Ordinal) || name is "level" or "service_name")))
            {
                typed.Add(path);
            }
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "index-templates")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("index-templates not found above " + AppContext.BaseDirectory);
    }

    private static Action<LogString> Fail(string marker) => s =>
    {
        if (s.Value.Contains(marker, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("scan failed");
        }
    };

    private static LogRecord Parse(string json) =>
        LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection) ?? throw new InvalidOperationException(rejection!.Reason);
}
