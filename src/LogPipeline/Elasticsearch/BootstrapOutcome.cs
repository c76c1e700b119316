namespace LogPipeline.Elasticsearch;

/// <summary>What the bootstrapper did with one resource.</summary>
internal enum BootstrapOutcome
{
    /// <summary>It was missing and the worker created it.</summary>
    Created,

    /// <summary>The cluster had an older version (or the retention changed); the worker replaced it.</summary>
    Updated,

    /// <summary>The cluster's version is equal or newer (or the data stream/alias exists); left alone.</summary>
    Unchanged,
}
