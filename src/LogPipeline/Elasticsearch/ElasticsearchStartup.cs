using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using LogPipeline.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Elasticsearch;

/// <summary>What the sink does before its first <c>_bulk</c>: read the cluster's version and decide the protocol
/// (<see cref="ElasticsearchProtocol"/>), then bootstrap the index side when <see cref="ElasticsearchSinkOptions.Bootstrap"/>
/// is on. A cluster that cannot be reached, or answers 429/5xx, is retried with backoff (it may still be starting);
/// a cluster the worker refuses, or a refused resource, ends the start with one line.</summary>
internal static class ElasticsearchStartup
{
    public static async Task<(ElasticsearchProtocol Protocol, BootstrapReport? Report)> ConnectAsync(
        ITransport<IElasticsearchClientSettings> client,
        ElasticsearchSinkOptions options,
        PipelineMetrics metrics,
        RetryBackoff backoff,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        logger.LogInformation("Elasticsearch sink: {Connection}", ElasticsearchClientFactory.Describe(options));
        if (ElasticsearchClientFactory.TlsWarning(options) is { } warning)
        {
            logger.LogWarning("{Warning}", warning);
        }

        ElasticsearchProtocol? protocol = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (protocol is null)
                {
                    protocol = await ElasticsearchProtocol.NegotiateAsync(client, cancellationToken).ConfigureAwait(false);
                    logger.LogInformation("Elasticsearch sink: cluster is {Cluster}", protocol);
                    if (protocol.IsNewerThanTested)
                    {
                        logger.LogWarning("Elasticsearch {Version} is newer than the newest major LogPipeline was tested with ({Tested}.x); it is spoken to as {Tested}.x",
                            protocol.Server.Version.ToString(3), ElasticsearchProtocol.NewestTestedMajor, ElasticsearchProtocol.NewestTestedMajor);
                    }
                }

                var report = options.Bootstrap
                    ? await new ElasticsearchBootstrapper(client, options, protocol, logger).RunAsync(cancellationToken).ConfigureAwait(false)
                    : null;
                return (protocol, report);
            }
            catch (ElasticsearchBootstrapException e) when (cancellationToken.IsCancellationRequested)
            {
                // A request cut short by the caller (shutdown, or the start-up deadline) is no answer from the
                // cluster: no warning, no retry.
                throw new OperationCanceledException("Elasticsearch start was cancelled.", e, cancellationToken);
            }
            catch (ElasticsearchBootstrapException e) when (e.IsTransient)
            {
                // The cluster may still be starting (or down): keep the pod unready and try again.
                metrics.Retries.WithLabels(PipelineMetrics.Stages.Sending, "bootstrap").Inc();
                logger.LogWarning("{Message}; retrying", e.Message);
                await Task.Delay(backoff.Delay(attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
