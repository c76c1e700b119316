using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogPipeline.Cli;
using LogPipeline.Demo.Generator;

namespace LogPipeline.Tests.Cli;

public sealed partial class EnrichCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("enrich-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Run(int ExitCode, string[] Output, string Error);

    private static async Task<Run> RunAsync(byte[] input, EnrichCommandOptions? options = null)
    {
        using var stdin = new MemoryStream(input);
        using var stdout = new MemoryStream();
        var stderr = new StringWriter();

        var exit = await EnrichCommand.RunAsync(options ?? new EnrichCommandOptions(), stdin, stdout, stderr, CancellationToken.None);

        var text = Encoding.UTF8.GetString(stdout.ToArray());
        var lines = text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
        return new Run(exit, lines, stderr.ToString());
    }

    private string WriteConfig(string json)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, json);
        return path;
    }

    [GeneratedRegex(@"^line (\d+): rejected \(([a-z_0-9]+)\): ", RegexOptions.Multiline)]
    private static partial Regex RejectionLine();

    [Fact]
    public async Task An_OTLP_JSON_batch_line_comes_out_as_one_line_per_log_record_and_a_malformed_one_as_a_rejection()
    {
        const string batch = """{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"billing"}}]},"scopeLogs":[{"logRecords":[{"body":{"stringValue":"one"}},{"body":{"stringValue":"two"}},{"body":{"stringValue":"three"}}]}]}]}""";
        var input = Encoding.UTF8.GetBytes(batch + "\n{\"resourceLogs\":[{\"scopeLogs\":\"x\"}]}\n{\"message\":\"four\"}\n");

        var run = await RunAsync(input);

        Assert.Equal(["one", "two", "three", "four"], run.Output.Select(l => JsonNode.Parse(l)!["message"]!.GetValue<string>()));
        Assert.Equal(["billing", "billing", "billing"], run.Output.Take(3).Select(l => JsonNode.Parse(l)!["service_name"]!.GetValue<string>()));
        Assert.Contains("line 2: rejected (invalid_otlp_batch): not a well-formed OTLP/JSON logs batch: resourceLogs[0].scopeLogs is a string, not an array", run.Error);
        Assert.Contains("3 lines, 4 written, 1 rejected", run.Error);
        Assert.Contains("OTLP batches 1 (3 records)", run.Error);
    }

    [Fact]
    public async Task A_generated_corpus_with_poison_lines_loses_nothing_and_keeps_the_input_order()
    {
        var generator = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = 11, PoisonRate = 0.08, MaxRecordBytes = 4096, MaxOversized = 4 });
        var lines = generator.Generate(2500).ToList();
        var input = new MemoryStream();
        foreach (var line in lines)
        {
            input.Write(line.Utf8);
            input.WriteByte((byte)'\n');
        }

        var run = await RunAsync(input.ToArray(), new EnrichCommandOptions(ConfigPath: WriteConfig("{\"Enrichment\":{\"MaxRecordBytes\":4096}}")));

        Assert.Equal(0, run.ExitCode);
        var counts = generator.Counts;
        Assert.Equal(counts.Valid, run.Output.Length);

        // Every poison line is reported under its own line number and kind; nothing else is.
        var reported = RejectionLine().Matches(run.Error).Select(m => (Line: int.Parse(m.Groups[1].Value), Code: m.Groups[2].Value)).ToList();
        var expected = lines.Select((l, i) => (Line: i + 1, Code: l.PoisonKind)).Where(x => x.Code is not null).ToList();
        Assert.Equal(expected, reported.Select(r => (r.Line, (string?)r.Code)).ToList());
        Assert.Equal(6, reported.Select(r => r.Code).Distinct().Count());

        // Input order is kept and each record is the one that went in.
        var valid = lines.Where(l => !l.IsPoison).ToList();
        var categories = new Dictionary<string, long>();
        long linked = 0;
        for (var i = 0; i < valid.Count; i++)
        {
            using var source = JsonDocument.Parse(valid[i].Utf8);
            using var output = JsonDocument.Parse(run.Output[i]);
            var o = output.RootElement;
            Assert.Equal(source.RootElement.GetProperty("workspace_id").GetString(), o.GetProperty("workspace_id").GetString());
            Assert.Equal(source.RootElement.GetProperty("@timestamp").GetString(), o.GetProperty("@timestamp").GetString());
            if (o.TryGetProperty("error_category", out var category))
            {
                categories[category.GetString()!] = categories.GetValueOrDefault(category.GetString()!) + 1;
            }

            if (o.TryGetProperty("trace_seq", out _))
            {
                linked++;
                Assert.Equal(valid[i].TraceId, o.GetProperty("trace_id").GetString());
            }
        }

        Assert.Equal(counts.ErrorCategories.OrderBy(kv => kv.Key), categories.OrderBy(kv => kv.Key));
        Assert.Equal(counts.WithTrace, linked);
        Assert.Contains($"{counts.Total} lines, {counts.Valid} written, {counts.Poison} rejected", run.Error);
    }

    [Fact]
    public async Task Rejections_on_stderr_never_quote_the_line()
    {
        var input = "{\"password\":\"hunter2\",}\n[\"alice@example.com\"]\nuser=bob ssn=123-45-6789\n"u8.ToArray();

        var run = await RunAsync(input);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Equal(3, RejectionLine().Matches(run.Error).Count);
        Assert.DoesNotContain("hunter2", run.Error);
        Assert.DoesNotContain("alice", run.Error);
        Assert.DoesNotContain("123-45-6789", run.Error);
    }

    [Fact]
    public async Task A_line_longer_than_the_read_buffer_is_rejected_without_stopping_the_run()
    {
        var huge = "{\"message\":\"" + new string('x', 900_000) + "\"}";
        var input = Encoding.UTF8.GetBytes("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"a\":1}\n" + huge + "\n{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"b\":2}\n");
        var config = WriteConfig("{\"Enrichment\":{\"MaxRecordBytes\":1024}}");

        var run = await RunAsync(input, new EnrichCommandOptions(ConfigPath: config));

        Assert.Equal(["{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"a\":1}", "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"b\":2}"], run.Output);
        Assert.Contains($"line 2: rejected (too_large): record is {huge.Length} bytes; the maximum is 1024", run.Error);
    }

    [Fact]
    public async Task Crlf_line_ends_a_byte_order_mark_and_a_missing_final_newline_are_handled()
    {
        var input = Encoding.UTF8.GetBytes("\uFEFF{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"a\":1}\r\n{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"b\":\"é\"}\r\n{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"c\":3}");

        var run = await RunAsync(input);

        Assert.Equal(["{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"a\":1}", "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"b\":\"é\"}", "{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"c\":3}"], run.Output);
        Assert.Empty(RejectionLine().Matches(run.Error));
    }

    [Fact]
    public async Task A_cancelled_run_writes_what_it_has_and_says_it_was_interrupted()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var stdin = new MemoryStream("{\"a\":1}\n"u8.ToArray());
        using var stdout = new MemoryStream();

        var exit = await EnrichCommand.RunAsync(new EnrichCommandOptions(), stdin, stdout, new StringWriter(), cts.Token);

        Assert.Equal(EnrichCommand.Interrupted, exit);
    }

    [Fact]
    public async Task Empty_input_writes_nothing_and_succeeds()
    {
        var run = await RunAsync([]);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("0 lines, 0 written, 0 rejected", run.Error);
    }

    [Fact]
    public async Task The_bundled_sample_enriches_with_its_bad_lines_reported()
    {
        var sample = Path.Combine(RepositoryRoot(), "samples", "smm-logs.ndjson");

        var run = await RunAsync(await File.ReadAllBytesAsync(sample));

        Assert.Equal(0, run.ExitCode);
        var rejected = RejectionLine().Matches(run.Error).Count;
        Assert.InRange(rejected, 5, 20);
        Assert.Equal(File.ReadAllLines(sample).Length - rejected, run.Output.Length);
        Assert.All(run.Output, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task A_missing_config_file_is_a_configuration_error_naming_the_option()
    {
        var run = await RunAsync("{}\n"u8.ToArray(), new EnrichCommandOptions(ConfigPath: Path.Combine(_directory, "nope.json")));

        Assert.Equal(EnrichCommand.ConfigurationError, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("--config: file '", run.Error);
        Assert.Contains("nope.json' does not exist", run.Error);
    }

    [Theory]
    [InlineData("{\"Enrichment\":{\"MaxRecordBytes\":", "is not valid JSON")]
    [InlineData("{\"Enrichment\":{\"MaxRecrodBytes\":10}}", "MaxRecrodBytes")]
    [InlineData("{\"Enrichment\":{\"Trace\":{\"MaxTraces\":\"many\"}}}", "Enrichment section cannot be read")]
    [InlineData("{\"Enrichment\":{\"Trace\":{\"MaxTraces\":0}}}", "Enrichment:Trace:MaxTraces is 0; allowed: 1 to 10000000.")]
    [InlineData("{\"Enrichment\":{\"ErrorCategories\":{\"Rules\":[{\"Name\":\"Bad Name\",\"Phrases\":[\"x\"]}]}}}", "Enrichment:ErrorCategories:Rules:0:Name is 'Bad Name'")]
    public async Task A_bad_config_file_is_a_configuration_error_with_a_clear_message(string json, string expected)
    {
        var run = await RunAsync("{}\n"u8.ToArray(), new EnrichCommandOptions(ConfigPath: WriteConfig(json)));

        Assert.Equal(EnrichCommand.ConfigurationError, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.StartsWith("enrich: ", run.Error);
    }

    [Fact]
    public async Task The_config_file_configures_the_chain()
    {
        var config = WriteConfig("{\"Enrichment\":{\"ErrorCategories\":{\"DefaultCategory\":\"unknown\"}}}");

        var run = await RunAsync("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"level\":\"error\",\"message\":\"boom\"}\n"u8.ToArray(), new EnrichCommandOptions(ConfigPath: config));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"level\":\"error\",\"message\":\"boom\",\"error_category\":\"unknown\"}", Assert.Single(run.Output));
    }

    [Fact]
    public async Task A_missing_geoip_database_is_reported_under_the_option_that_named_it()
    {
        var missing = Path.Combine(_directory, "missing-city.mmdb");

        var run = await RunAsync("{}\n"u8.ToArray(), new EnrichCommandOptions(GeoIpDatabase: missing));

        Assert.Equal(EnrichCommand.ConfigurationError, run.ExitCode);
        Assert.Contains("--geoip-db", run.Error);
        Assert.Contains(missing, run.Error);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error()
    {
        var root = new RootCommand { EnrichCommand.Create() };
        var error = new StringWriter();

        var exit = await root.Parse(["enrich", "--geo-db", "x.mmdb"]).InvokeAsync(new InvocationConfiguration { Error = error, Output = new StringWriter() });

        Assert.NotEqual(0, exit);
        Assert.Contains("--geo-db", error.ToString());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LogPipeline.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("LogPipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
