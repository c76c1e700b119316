namespace LogPipeline.Configuration;

/// <summary>The HTTP listener for probes and metrics (configuration section <c>Http</c>).</summary>
internal sealed class HttpOptions
{
    public const string SectionName = "Http";

    /// <summary><c>host:port</c> to listen on for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>. Default
    /// <c>0.0.0.0:9102</c> (all interfaces, so the kubelet and Prometheus reach it). Port 0 picks a free port
    /// (logged at start). An IPv6 address is written in brackets: <c>[::]:9102</c>.</summary>
    public string Address { get; set; } = "0.0.0.0:9102";
}
