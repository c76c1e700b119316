using Microsoft.Extensions.Logging;
using Prometheus;

namespace LogPipeline.Diagnostics;

/// <summary>How a reload of something the worker reads from files (GeoIP databases, rules files) is made visible:
/// a reload is logged as information, a refused replacement as a warning that names the metric, and both are counted
/// under <c>result</c> = <see cref="Reloaded"/> or <see cref="Refused"/>. Without it a refused file left the worker on
/// old data with nothing said.</summary>
internal static class ReloadReport
{
    public const string Reloaded = "reloaded";
    public const string Refused = "refused";

    /// <param name="counter">The reload counter; its first label is <paramref name="subject"/>, the second the result.</param>
    /// <param name="metricName">The counter's name, for the warning (without the <c>logpipeline_</c> prefix).</param>
    /// <param name="message">One line that names the path and never contains record data or a secret.</param>
    public static void Report(Counter counter, string metricName, ILogger logger, string subject, bool succeeded, string message)
    {
        // Runs on the file checker's thread: diagnostics must never stop it.
        try
        {
            counter.WithLabels(subject, succeeded ? Reloaded : Refused).Inc();
            if (succeeded)
            {
                logger.LogInformation("{Message}", message);
            }
            else
            {
                logger.LogWarning("{Message} Counted in {Metric}{{result=\"refused\"}}", message, PipelineMetrics.Prefix + metricName);
            }
        }
        catch (Exception)
        {
            // Nothing to do: the reload itself went on.
        }
    }
}
