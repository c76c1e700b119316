using System.Net;
using Xunit.Abstractions;

namespace LogPipeline.Tests.EndToEnd;

/// <summary>The worker as operators run it: a child process (<c>logpipeline run</c>) against the embedded Kafka
/// cluster and the Elasticsearch test server. Waits are bounded guards against hanging, never timing assertions.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerProcessTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killed_with_sigkill_mid_stream_and_restarted_every_record_is_indexed_once()
    {
        var scenario = fixture.CreateScenario("kill9", partitions: 6, perPartition: 5000);
        await using (var first = WorkerProcess.StartRun(scenario.RunArguments()))
        {
            await first.WaitUntilAsync(() => Task.FromResult(scenario.DocumentIds().Count >= 3000), Patience, "the first documents");
            first.KillHard();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"killed after {scenario.DocumentIds().Count} of {scenario.Valid} documents");
        }

        await using var second = WorkerProcess.StartRun(scenario.RunArguments());
        await second.WaitUntilAsync(() => Task.FromResult(scenario.DocumentIds().Count >= scenario.Valid && scenario.DeadLetters() >= scenario.Poison),
            Patience, "every record indexed or dead-lettered after the restart");

        var ids = scenario.DocumentIds();
        Assert.Equal(scenario.Valid, ids.Count);
        Assert.All(ids, id => Assert.Equal(1, id.Value));
        Assert.Equal(scenario.Valid, fixture.Elasticsearch.CountDocuments(scenario.Target));
        await second.WaitUntilAsync(async () => await second.StatusAsync("/readyz") == HttpStatusCode.OK, Patience, "ready");
        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Sigterm_mid_stream_exits_0_with_offsets_committed_and_a_restart_loses_nothing()
    {
        var scenario = fixture.CreateScenario("sigterm", partitions: 6, perPartition: 5000);
        // A slow cluster and a small in-flight bound, so SIGTERM lands mid-stream with records still in flight.
        fixture.Elasticsearch.Faults.ResponseDelay = TimeSpan.FromMilliseconds(100);
        try
        {
            await using var first = WorkerProcess.StartRun(scenario.RunArguments(
                "--Shutdown:DrainTimeout=00:00:15", "--Elasticsearch:Bulk:MaxDocuments=200", "--Kafka:Source:MaxInFlightRecords=2000"));
            await first.WaitUntilAsync(() => Task.FromResult(scenario.DocumentIds().Count >= 1000), Patience, "the first documents");
            first.Terminate();
            var exitCode = await first.WaitForExitAsync(TimeSpan.FromSeconds(15 + 10));
            Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{first.Describe()}");
            Assert.Contains(first.Stdout, l => l.Contains("every in-flight record acknowledged and committed", StringComparison.Ordinal));
        }
        finally
        {
            fixture.Elasticsearch.Faults.ResponseDelay = TimeSpan.Zero;
        }

        // Everything the first run indexed or dead-lettered was committed, and nothing beyond it.
        var indexed = scenario.DocumentIds().Count;
        var committed = scenario.CommittedTotal();
        output.WriteLine($"first run: {indexed} indexed, {scenario.DeadLetters()} dead-lettered, {committed} committed of {scenario.Total}");
        Assert.Equal(indexed + scenario.DeadLetters(), committed);
        Assert.True(committed < scenario.Total, "SIGTERM came after the whole topic was consumed; the test proves nothing");

        await using var second = WorkerProcess.StartRun(scenario.RunArguments());
        await second.WaitUntilAsync(() => Task.FromResult(scenario.DocumentIds().Count >= scenario.Valid && scenario.DeadLetters() >= scenario.Poison),
            Patience, "the rest after the restart");
        // SIGTERM before the host installed its handler would end the process the default way (exit 143).
        await second.WaitUntilAsync(async () => await second.StatusAsync("/readyz") == HttpStatusCode.OK, Patience, "ready");
        var ids = scenario.DocumentIds();
        Assert.Equal(scenario.Valid, ids.Count);
        Assert.All(ids, id => Assert.Equal(1, id.Value));
        Assert.Equal(scenario.Poison, scenario.DeadLetters());
        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(scenario.Total, scenario.CommittedTotal());
    }

    [Fact]
    public async Task Elasticsearch_down_for_30_seconds_makes_the_worker_unready_keeps_memory_bounded_and_recovers_without_restart()
    {
        const long MemoryBound = 400L * 1024 * 1024;
        var scenario = fixture.CreateScenario("esdown", partitions: 6, perPartition: 6000);
        await using var worker = WorkerProcess.StartRun(scenario.RunArguments(
            "--Kafka:Source:MaxInFlightBytes=16777216", "--Kafka:Source:MaxInFlightRecords=20000"));
        await worker.WaitUntilAsync(async () => await worker.StatusAsync("/readyz") == HttpStatusCode.OK, Patience, "ready");
        await worker.WaitUntilAsync(() => Task.FromResult(scenario.DocumentIds().Count >= 2000), Patience, "the first documents");

        await fixture.Elasticsearch.StopAsync();
        try
        {
            await worker.WaitUntilAsync(async () => await worker.StatusAsync("/readyz") == HttpStatusCode.ServiceUnavailable,
                Patience, "/readyz to report the outage");
            long peak = 0;
            var end = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < end)
            {
                peak = Math.Max(peak, worker.ResidentBytes());
                Assert.False(worker.HasExited, worker.Describe());
                await Task.Delay(500);
            }

            output.WriteLine($"peak RSS during the outage: {peak / (1024 * 1024)} MiB");
            Assert.True(peak < MemoryBound, $"RSS {peak} exceeded {MemoryBound} during the outage");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await worker.StatusAsync("/readyz"));
            Assert.Equal(HttpStatusCode.OK, await worker.StatusAsync("/healthz"));
        }
        finally
        {
            await fixture.Elasticsearch.RestartAsync();
        }

        await worker.WaitUntilAsync(() => Task.FromResult(scenario.DocumentIds().Count >= scenario.Valid), Patience, "recovery");
        await worker.WaitUntilAsync(async () => await worker.StatusAsync("/readyz") == HttpStatusCode.OK, Patience, "ready again");
        var ids = scenario.DocumentIds();
        Assert.Equal(scenario.Valid, ids.Count);
        Assert.All(ids, id => Assert.Equal(1, id.Value));
        var metrics = await worker.GetStringAsync("/metrics");
        Assert.Contains("logpipeline_retries_total", metrics);
        worker.Terminate();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Missing_elasticsearch_at_start_is_one_clear_line_and_exit_code_3()
    {
        var scenario = fixture.CreateScenario("noes", partitions: 1, perPartition: 10);
        var arguments = scenario.RunArguments("--Elasticsearch:Nodes:0=http://127.0.0.1:9", "--Startup:ConnectTimeout=00:00:03");
        await using var worker = WorkerProcess.StartRun(arguments);
        Assert.Equal(3, await worker.WaitForExitAsync(Patience));
        var line = Assert.Single(worker.Stderr);
        Assert.StartsWith("logpipeline: Elasticsearch ", line);
        Assert.Contains("127.0.0.1:9", line);
        Assert.Contains("Startup:ConnectTimeout", line);
    }
}
