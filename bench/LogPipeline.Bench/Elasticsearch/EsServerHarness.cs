using System.Globalization;
using System.Runtime.InteropServices;
using LogPipeline.Testing.Elasticsearch;

namespace LogPipeline.Bench.Elasticsearch;

/// <summary>Runs the in-process Elasticsearch test server until Ctrl+C, answering as 8.x or 9.x, so the worker
/// (<c>run</c>, <c>demo --es-url</c>, <c>setup</c>) can be pointed at either major by hand. On stop it prints what it
/// holds and which REST API versions the clients asked for.</summary>
public sealed class EsServerHarness : IHarness
{
    public string Name => "es-server";

    public string Description => "the Elasticsearch test server until Ctrl+C or SIGTERM: [--es-major 8|9] [--es-version 8.12.2|serverless] [--port N]";

    public async Task<int> RunAsync(string[] args)
    {
        var version = Value(args, "--es-version") is { } named
            ? ElasticsearchTestServerVersion.Parse(named)
            : ElasticsearchTestServerVersion.ForMajor(int.Parse(Value(args, "--es-major") ?? "9", CultureInfo.InvariantCulture));
        var port = int.Parse(Value(args, "--port") ?? "0", CultureInfo.InvariantCulture);
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions { Version = version, Port = port });
        // Holding every document's source would make a long demo grow this process; ids, versions and counts stay.
        server.KeepSources = false;

        using var stop = new CancellationTokenSource();
        // SIGINT (Ctrl+C) and SIGTERM (kill, or a background job whose SIGINT the shell ignores) both end it with
        // the summary below.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        Console.WriteLine($"es-server: Elasticsearch test server answering as {version} at {server.Url} (Ctrl+C stops it)");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine($"es-server: {server.Requests:N0} requests, {server.BulkRequests:N0} _bulk; refused for their media type {server.RefusedMediaTypes}");
        Console.WriteLine("es-server: requests by REST API version: " + string.Join(", ", server.CompatibleWithSeen.OrderBy(kv => kv.Key)
            .Select(kv => (kv.Key == 0 ? "plain JSON" : $"compatible-with={kv.Key}") + $" {kv.Value:N0}")));
        foreach (var stream in server.DataStreamNames())
        {
            var ids = server.DocumentIds(stream);
            Console.WriteLine($"es-server: data stream {stream}: {ids.Count:N0} documents, {ids.Count(kv => kv.Value > 1)} duplicate _ids");
        }

        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
