namespace LogPipeline.Testing.Elasticsearch;

/// <summary>What a <see cref="ResponseFilter"/> does with one value of a response.</summary>
internal enum ResponseFilterMatch
{
    /// <summary>Left out, with everything inside it.</summary>
    None,

    /// <summary>Kept only for what inside it a longer path names (left out if that is nothing).</summary>
    Partial,

    /// <summary>Kept whole.</summary>
    Full,
}
