using Microsoft.AspNetCore.Http;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>The proxy in front of the server (<see cref="ElasticsearchFaults.ProxyAnswerBulkRequests"/>).</summary>
internal sealed partial class ElasticsearchTestServer
{
    /// <summary>Answers a <c>_bulk</c> request as the proxy when the faults say so; true when it did.</summary>
    private async Task<bool> AnswerAsProxyAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.EndsWith("/_bulk", StringComparison.Ordinal) || !Faults.TakeProxyAnswer())
        {
            return false;
        }

        // Drain the body first, as a proxy does, so the client sees the answer rather than a reset.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = Faults.ProxyStatus;
        context.Response.ContentType = Faults.ProxyContentType;
        await context.Response.WriteAsync(Faults.ProxyBody, context.RequestAborted).ConfigureAwait(false);
        return true;
    }
}
