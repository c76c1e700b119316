namespace LogPipeline.Kibana;

/// <summary>What an import did with one saved object.</summary>
internal enum KibanaObjectOutcome
{
    /// <summary>It did not exist; Kibana created it.</summary>
    Created,

    /// <summary>An object with the same type and id existed; Kibana overwrote it.</summary>
    Updated,
}
