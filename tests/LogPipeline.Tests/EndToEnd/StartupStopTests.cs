using System.Runtime.InteropServices;
using System.Text.Json;
using Confluent.Kafka;
using LogPipeline.Demo.Kafka;
using Xunit.Abstractions;

namespace LogPipeline.Tests.EndToEnd;

/// <summary>SIGTERM in the first seconds of <c>run</c>, as Kubernetes sends it when a pod that has only just started
/// is deleted: the worker stops at once with exit code 0 and one log line, whatever it was doing.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class StartupStopTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const string StartUpLine = "stop requested before any record was consumed: nothing to drain or commit; exiting";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_while_the_worker_is_still_being_built_exits_0_with_one_line()
    {
        var scenario = fixture.CreateScenario("stop-build", partitions: 1, perPartition: 10);
        // The API key file is a FIFO nobody writes: building the worker blocks reading it, before the host starts.
        var fifo = Path.Combine(Path.GetTempPath(), "logpipeline-key-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, MakeFifo(fifo, Convert.ToInt32("600", 8)));
        var writer = -1;
        try
        {
            await using var worker = WorkerProcess.StartRun(scenario.RunArguments($"--Elasticsearch:ApiKeyFile={fifo}"));
            // A non-blocking open for writing succeeds only once the worker has the FIFO open for reading.
            await worker.WaitUntilAsync(() => Task.FromResult((writer = Open(fifo, OpenWriteOnly | OpenNonBlocking)) >= 0), Patience,
                "the worker reading its API key file");

            worker.Terminate();

            await AssertStoppedCleanly(worker, expectedLines: 1);
        }
        finally
        {
            if (writer >= 0)
            {
                Close(writer);
            }

            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task Sigterm_while_elasticsearch_is_being_bootstrapped_exits_0_with_one_line_and_no_warning()
    {
        var scenario = fixture.CreateScenario("stop-bootstrap", partitions: 1, perPartition: 10);
        fixture.Elasticsearch.Faults.ResponseDelay = TimeSpan.FromSeconds(30);
        try
        {
            await using var worker = WorkerProcess.StartRun(scenario.RunArguments("--Startup:ConnectTimeout=00:01:00"));
            await worker.WaitUntilAsync(() => Task.FromResult(Messages(worker).Any(m => m.StartsWith("Elasticsearch sink:", StringComparison.Ordinal))),
                Patience, "the Elasticsearch bootstrap");

            worker.Terminate();

            await AssertStoppedCleanly(worker);
            Assert.Equal(0, scenario.CommittedTotal());
        }
        finally
        {
            fixture.Elasticsearch.Faults.ResponseDelay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Sigterm_while_joining_the_consumer_group_exits_0_with_one_line()
    {
        var scenario = fixture.CreateScenario("stop-join", partitions: 2, perPartition: 10);
        // The coordinator keeps answering "still loading": the consumer retries its join until stopped.
        fixture.Kafka.InjectRequestErrors(KafkaApiKey.JoinGroup, Enumerable.Repeat(ErrorCode.GroupLoadInProgress, 100_000).ToArray());
        try
        {
            await using var worker = WorkerProcess.StartRun(scenario.RunArguments());
            await worker.WaitUntilAsync(() => Task.FromResult(Messages(worker).Any(m => m.StartsWith("Kafka source subscribed", StringComparison.Ordinal))),
                Patience, "the consumer joining its group");

            worker.Terminate();

            await AssertStoppedCleanly(worker);
        }
        finally
        {
            fixture.Kafka.ClearRequestErrors(KafkaApiKey.JoinGroup);
        }

        Assert.Equal(0, scenario.CommittedTotal());
    }

    private async Task AssertStoppedCleanly(WorkerProcess worker, int? expectedLines = null)
    {
        var exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(worker.Describe());
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{worker.Describe()}");
        Assert.Empty(worker.Stderr);
        Assert.Single(Messages(worker), m => m == StartUpLine);
        Assert.DoesNotContain(worker.Stdout, l => l.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal)
            || l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Stdout, l => l.Contains("   at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain(Messages(worker), m => m.Contains("draining in-flight records", StringComparison.Ordinal)
            || m.Contains("acknowledged and committed", StringComparison.Ordinal));
        if (expectedLines is { } lines)
        {
            Assert.Equal(lines, worker.Stdout.Count);
        }
    }

    /// <summary>The <c>Message</c> of each JSON log line on stdout.</summary>
    private static List<string> Messages(WorkerProcess worker) =>
        worker.Stdout.Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.TryGetProperty("Message", out var m) ? m.GetString() ?? "" : "")
            .ToList();

    private const int OpenWriteOnly = 1;
    private const int OpenNonBlocking = 0x800;

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, int mode);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
