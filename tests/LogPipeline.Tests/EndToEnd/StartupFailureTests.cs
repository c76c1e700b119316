namespace LogPipeline.Tests.EndToEnd;

/// <summary>Start-up failures of the real program: one clear line on stderr, a non-zero exit, no stack trace.</summary>
public sealed class StartupFailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_bad_configuration_value_is_one_line_naming_key_value_and_allowed_values_and_exit_code_2()
    {
        await using var worker = WorkerProcess.Start(["run", "--Shutdown:DrainTimeout=25s"]);
        Assert.Equal(2, await worker.WaitForExitAsync(Patience));
        var line = Assert.Single(worker.Stderr);
        Assert.Equal("logpipeline: configuration error: Shutdown:DrainTimeout = '25s' is not allowed: expected a duration [d.]hh:mm:ss[.fff], e.g. 00:00:25.", line);
        Assert.Empty(worker.Stdout);
    }

    [Fact]
    public async Task Several_bad_values_including_a_components_are_each_reported_on_their_own_line()
    {
        await using var worker = WorkerProcess.Start(["run", "--Elasticsearch:Bulk:MaxDocuments=0", "--Sink:Type=elastic"]);
        Assert.Equal(2, await worker.WaitForExitAsync(Patience));
        Assert.Equal(
        [
            "logpipeline: configuration error: Sink:Type = 'elastic' is not allowed: use 'elasticsearch' or 'file'.",
            "logpipeline: configuration error: Elasticsearch:Bulk:MaxDocuments=0 is not valid: allowed is 1 to 100000.",
        ], worker.Stderr);
    }

    [Fact]
    public async Task An_http_port_already_in_use_is_one_line_and_exit_code_2()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        await using var worker = WorkerProcess.Start(["run", $"--Http:Address=127.0.0.1:{port}", "--Kafka:Consumer:BootstrapServers=127.0.0.1:9"]);
        Assert.Equal(2, await worker.WaitForExitAsync(Patience));
        var line = Assert.Single(worker.Stderr);
        Assert.StartsWith($"logpipeline: configuration error: Http:Address: cannot listen: Failed to bind to address http://127.0.0.1:{port}", line);
        Assert.Empty(worker.Stdout);
    }

    [Fact]
    public async Task Missing_kafka_at_start_is_one_clear_line_and_exit_code_3()
    {
        await using var worker = WorkerProcess.StartRun(["--Kafka:Consumer:BootstrapServers=127.0.0.1:9", "--Startup:ConnectTimeout=00:00:02"]);
        Assert.Equal(3, await worker.WaitForExitAsync(Patience));
        var line = Assert.Single(worker.Stderr);
        Assert.StartsWith("logpipeline: Kafka at 127.0.0.1:9 did not answer within Startup:ConnectTimeout = 00:00:02", line);
        Assert.DoesNotContain(worker.Stdout.Concat(worker.Stderr), l => l.Contains("   at ", StringComparison.Ordinal));
    }
}
