using LogPipeline.Elasticsearch;
using LogPipeline.Pipeline;

namespace LogPipeline.Hosting;

/// <summary>Wraps the sink so that its start (Elasticsearch bootstrap, which retries a down cluster without limit)
/// must finish within <c>Startup:ConnectTimeout</c>: an unreachable or refusing cluster at start is one clear line
/// and a non-zero exit, and Kubernetes restarts the pod with back-off. Once started, the sink retries outages by
/// itself as usual. Everything else is passed through.</summary>
internal sealed class BootstrapDeadlineSink(IRecordSink inner, TimeSpan timeout, string describe, Action started) : IRecordSink
{
    public IRecordSink Inner => inner;

    public bool IsHealthy => inner.IsHealthy;

    public async Task StartAsync(IRecordAcknowledger acknowledger, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await inner.StartAsync(acknowledger, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(
                $"{describe} could not be reached or bootstrapped within Startup:ConnectTimeout = {timeout} (the warnings above give the cluster's answer).");
        }
        catch (ElasticsearchBootstrapException e)
        {
            throw new DependencyUnavailableException($"{describe}: {e.Message}", e);
        }

        started();
    }

    public ValueTask WriteAsync(PipelineRecord record, CancellationToken cancellationToken) => inner.WriteAsync(record, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
