namespace LogPipeline.Elasticsearch;

/// <summary>Exponential backoff with jitter: attempt n waits a random time between half and all of
/// min(max, initial · 2ⁿ), so many workers retrying after the same outage do not hit the cluster in step.</summary>
internal readonly record struct RetryBackoff(TimeSpan Initial, TimeSpan Max)
{
    public TimeSpan Delay(int attempt, Random? random = null)
    {
        var exponent = Math.Min(attempt, 30);
        var ceiling = Math.Min(Max.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, exponent));
        var jitter = (random ?? Random.Shared).NextDouble();
        return TimeSpan.FromMilliseconds(ceiling / 2 + ceiling / 2 * jitter);
    }
}
