using System.Buffers;
using System.CommandLine;
using Enrichers;
using Enrichers.Geo;
using Enrichers.Json;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Cli;

/// <summary><c>enrich</c>: NDJSON on stdin → one enriched JSON object per valid line on stdout, in input
/// order. Rejected lines are reported on stderr by line number and reason (never content) and the run goes
/// on; the exit code is 0 at end of input and non-zero only for usage or configuration errors.</summary>
internal static class EnrichCommand
{
    /// <summary>Exit code for a configuration error (System.CommandLine uses 1 for usage errors).</summary>
    public const int ConfigurationError = 2;

    /// <summary>Exit code when the run was cancelled before the end of input (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    private const int OutputFlushBytes = 256 * 1024;
    private const int ReadChunkBytes = 256 * 1024;

    public static Command Create()
    {
        var geoIp = new Option<string?>("--geoip-db")
        {
            Description = $"MaxMind City database (.mmdb) for client.geo.* fields. Overrides {GeoIpOptions.CityDatabasePathKey}.",
            HelpName = "PATH",
        };
        var asn = new Option<string?>("--asn-db")
        {
            Description = $"MaxMind ASN database (.mmdb) for client.as.* fields. Overrides {GeoIpOptions.AsnDatabasePathKey}.",
            HelpName = "PATH",
        };
        var config = new Option<string?>("--config")
        {
            Description = "JSON configuration (the worker's appsettings.json); its Enrichment section is used.",
            HelpName = "PATH",
        };
        var command = new Command("enrich", "Enrich NDJSON logs from stdin to stdout: normalization, trace linking, GeoIP, error categories, PII masking.")
        {
            geoIp,
            asn,
            config,
        };
        command.SetAction((parse, ct) => RunAsync(
            new EnrichCommandOptions(parse.GetValue(geoIp), parse.GetValue(asn), parse.GetValue(config)),
            Console.OpenStandardInput(),
            Console.OpenStandardOutput(),
            Console.Error,
            ct));
        return command;
    }

    /// <summary>The command without a process: testable with in-memory streams.</summary>
    public static async Task<int> RunAsync(
        EnrichCommandOptions options, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        EnrichmentChain chain;
        try
        {
            chain = EnrichmentChain.Create(LoadOptions(options));
        }
        catch (CommandConfigurationException ex)
        {
            await stderr.WriteLineAsync($"enrich: {ex.Message}");
            return ConfigurationError;
        }
        catch (EnrichmentConfigurationException ex)
        {
            await stderr.WriteLineAsync($"enrich: {NameCommandLineOptions(ex.Message, options)}");
            return ConfigurationError;
        }

        using (chain)
        {
            var run = new EnrichRun(chain, stdout, stderr);
            await run.ProcessAsync(stdin, cancellationToken);
            await stderr.WriteLineAsync(run.Summary());

            // Interrupted (Ctrl+C): what was read so far was written, but the input did not end.
            return cancellationToken.IsCancellationRequested ? Interrupted : 0;
        }
    }

    /// <summary>Binds the <c>Enrichment</c> section from <c>--config</c> (if given) and <c>LOGPIPELINE__</c>
    /// environment variables, then the database options on top.</summary>
    internal static EnrichmentOptions LoadOptions(EnrichCommandOptions options)
    {
        var builder = new ConfigurationBuilder();
        if (options.ConfigPath is { } path)
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new CommandConfigurationException(
                    $"--config: file '{full}' does not exist. Pass the path of a JSON configuration file (for example the worker's appsettings.json).");
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("LOGPIPELINE__");
        var overrides = new Dictionary<string, string?>();
        if (options.GeoIpDatabase is { } city)
        {
            overrides[GeoIpOptions.CityDatabasePathKey] = Path.GetFullPath(city);
        }

        if (options.AsnDatabase is { } asn)
        {
            overrides[GeoIpOptions.AsnDatabasePathKey] = Path.GetFullPath(asn);
        }

        builder.AddInMemoryCollection(overrides);

        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            throw new CommandConfigurationException(
                $"--config: '{Path.GetFullPath(options.ConfigPath!)}' is not valid JSON ({FirstLine(ex)}). Fix the file or pass another one.");
        }

        var enrichment = new EnrichmentOptions();
        try
        {
            configuration.GetSection(EnrichmentOptions.SectionName).Bind(enrichment, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            var source = options.ConfigPath is null ? "the environment" : $"--config '{Path.GetFullPath(options.ConfigPath)}'";
            throw new CommandConfigurationException(
                $"{source}: the {EnrichmentOptions.SectionName} section cannot be read: {FirstLine(ex)} See docs/enrichment.md for the keys and allowed values.");
        }

        return enrichment;
    }

    // A value that came from the command line is reported under the option the user typed.
    private static string NameCommandLineOptions(string message, EnrichCommandOptions options)
    {
        if (options.GeoIpDatabase is not null)
        {
            message = message.Replace(GeoIpOptions.CityDatabasePathKey, "--geoip-db", StringComparison.Ordinal);
        }

        if (options.AsnDatabase is not null)
        {
            message = message.Replace(GeoIpOptions.AsnDatabasePathKey, "--asn-db", StringComparison.Ordinal);
        }

        return message;
    }

    private static string FirstLine(Exception ex)
    {
        var message = (ex.InnerException ?? ex).Message;
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    /// <summary>One pass over stdin with one session (trace state follows the input order).</summary>
    private sealed class EnrichRun
    {
        private readonly EnrichmentChain _chain;
        private readonly EnrichmentSession _session;
        private readonly Stream _stdout;
        private readonly TextWriter _stderr;
        private readonly ArrayBufferWriter<byte> _output = new(OutputFlushBytes + 64 * 1024);
        private readonly ArrayBufferWriter<byte> _documentBytes = new(64 * 1024);
        private readonly List<EnrichedDocument> _documents = [];
        private readonly int _maxLine;
        private long _lineNumber;
        private long _written;
        private long _rejected;
        private long _failures;

        public EnrichRun(EnrichmentChain chain, Stream stdout, TextWriter stderr)
        {
            _chain = chain;
            _session = chain.CreateSession();
            _stdout = stdout;
            _stderr = stderr;
            _maxLine = chain.Options.MaxRecordBytes;
            chain.Statistics.EnricherFailed += failure =>
            {
                _failures++;
                _stderr.WriteLine($"line {_lineNumber}: enricher '{failure.Enricher}' failed ({failure.ExceptionType}); the record was kept");
            };
        }

        public async Task ProcessAsync(Stream stdin, CancellationToken cancellationToken)
        {
            // A line may be as long as the record limit (plus CR); anything longer is skipped without buffering it.
            var buffer = new byte[_maxLine + 2 + ReadChunkBytes];
            var start = 0;
            var end = 0;
            var skipping = false;
            long skipped = 0;
            var first = true;

            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (end == buffer.Length)
                    {
                        if (start > 0)
                        {
                            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                            end -= start;
                            start = 0;
                        }
                        else
                        {
                            // The whole buffer is one unfinished line: it is too large whatever follows.
                            skipped += end;
                            skipping = true;
                            start = end = 0;
                        }
                    }

                    var read = await stdin.ReadAsync(buffer.AsMemory(end), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    var scanFrom = end;
                    end += read;
                    if (first && end - start >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
                    {
                        start = scanFrom = 3;
                    }

                    first = first && end < 3;

                    while (true)
                    {
                        var newline = buffer.AsSpan(scanFrom, end - scanFrom).IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            break;
                        }

                        var lineEnd = scanFrom + newline;
                        if (skipping)
                        {
                            RejectOversized(skipped + (lineEnd - start));
                            skipping = false;
                            skipped = 0;
                        }
                        else
                        {
                            ProcessLine(buffer.AsMemory(start, lineEnd - start));
                        }

                        start = scanFrom = lineEnd + 1;
                    }

                    if (_output.WrittenCount >= OutputFlushBytes)
                    {
                        await FlushAsync(cancellationToken);
                    }
                }

                if (skipping)
                {
                    RejectOversized(skipped + (end - start));
                }
                else if (end > start && !cancellationToken.IsCancellationRequested)
                {
                    // The last line had no newline.
                    ProcessLine(buffer.AsMemory(start, end - start));
                }

                await FlushAsync(CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                await FlushAsync(CancellationToken.None);
            }
            catch (IOException)
            {
                // The reader of stdout went away (e.g. `| head`): nothing more can be delivered.
            }
            finally
            {
                _session.Dispose();
            }
        }

        private void ProcessLine(ReadOnlyMemory<byte> line)
        {
            _lineNumber++;
            if (!line.IsEmpty && line.Span[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            // An OTLP/JSON batch is one line in and one line per log record out: the documents are written to a
            // scratch buffer one after the other, then copied out each with its line end.
            _documentBytes.ResetWrittenCount();
            var result = _session.EnrichEach(line, _documentBytes, _documents);
            if (result.Accepted)
            {
                var written = _documentBytes.WrittenSpan;
                foreach (var document in _documents)
                {
                    var span = _output.GetSpan(document.Length + 1);
                    written[..document.Length].CopyTo(span);
                    span[document.Length] = (byte)'\n';
                    _output.Advance(document.Length + 1);
                    written = written[document.Length..];
                    _written++;
                }
            }
            else
            {
                _rejected++;
                _stderr.WriteLine($"line {_lineNumber}: rejected ({result.ReasonCode}): {result.ReasonText}");
            }
        }

        private void RejectOversized(long bytes)
        {
            _lineNumber++;
            _rejected++;
            _chain.Statistics.Rejections.Increment(RecordRejection.TooLargeCode);
            _stderr.WriteLine(
                $"line {_lineNumber}: rejected ({RecordRejection.TooLargeCode}): record is {bytes} bytes; the maximum is {_maxLine}");
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_output.WrittenCount > 0)
            {
                await _stdout.WriteAsync(_output.WrittenMemory, cancellationToken);
                _output.ResetWrittenCount();
            }

            await _stdout.FlushAsync(cancellationToken);
        }

        public string Summary()
        {
            var s = _chain.Statistics;
            static string List(CounterSet set) =>
                set.Total == 0 ? "none" : string.Join(", ", set.Snapshot().Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {kv.Value}"));
            return $"enrich: {_lineNumber} lines, {_written} written, {_rejected} rejected ({List(s.Rejections)}); " +
                   $"OTLP batches {s.OtlpBatches} ({s.OtlpBatchRecords} records); " +
                   $"traces linked {s.TracesLinked}; error categories: {List(s.ErrorCategories)}; masks: {List(s.Masks)}; " +
                   $"geoip: {List(s.GeoIp)}; normalized: {List(s.Normalized)}; fields: {List(s.NormalizedFields)}; nested JSON: {List(s.NestedJson)}; " +
                   $"routed: {List(s.Routes)}; trace headers: {List(s.TraceHeaders)}; enricher failures {_failures}";
        }
    }
}
