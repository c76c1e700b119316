using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace LogPipeline.Diagnostics;

/// <summary>Maps <c>/healthz</c> (liveness), <c>/readyz</c> (readiness; 503 with the reason when not ready) and
/// <c>/metrics</c> (Prometheus text format from <see cref="PipelineMetrics.Registry"/>).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder endpoints, PipelineHealth health, PipelineMetrics metrics)
    {
        endpoints.MapGet("/healthz", () => health.IsAlive(out var reason)
            ? Results.Text(reason + "\n")
            : Results.Text(reason + "\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapGet("/readyz", () =>
        {
            var ready = health.IsReady(out var reason);
            metrics.Ready.Set(ready ? 1 : 0);
            return ready
                ? Results.Text(reason + "\n")
                : Results.Text(reason + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        metrics.Registry.AddBeforeCollectCallback(() => metrics.Ready.Set(health.IsReady(out _) ? 1 : 0));
        endpoints.MapMetrics("/metrics", metrics.Registry);
        return endpoints;
    }
}
