namespace Enrichers.Geo;

/// <summary>What one pass over a record's top-level properties (<see cref="ClientAddressSources.Scan"/>) found: the
/// address sources, and what <see cref="GeoFieldWriter"/> needs to know of the root, so the common record (one
/// top-level source such as <c>client_ip</c>) is read, removed and written without another walk of the root.</summary>
/// <param name="Present">Which sources the record has (bit i = <see cref="ClientAddressSources.Fields"/>[i]).</param>
/// <param name="LeafAt">The root index of the only property that holds a source, when that property is the source
/// itself (a top-level name such as <c>client_ip</c> or a dotted <c>client.ip</c>, not a container with the source
/// inside); -1 otherwise (no source, several, or one nested), and then the sources are found by their walk.</param>
/// <param name="ClientAt">The root index of the first <c>client</c> property, -1 when none.</param>
/// <param name="DottedClientKeys">How many root properties are dotted <c>client.*</c> keys.</param>
internal readonly record struct ClientAddressScan(int Present, int LeafAt, int ClientAt, int DottedClientKeys)
{
    /// <summary>The source <see cref="LeafAt"/> holds (its index in <see cref="ClientAddressSources.Fields"/>).</summary>
    public int LeafIndex => System.Numerics.BitOperations.TrailingZeroCount(Present);
}
