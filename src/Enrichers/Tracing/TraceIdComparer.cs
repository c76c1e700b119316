namespace Enrichers.Tracing;

/// <summary>Compares trace states by their UTF-8 ID, and looks them up by an ID span without making a key
/// object. The hash is seeded per process (<see cref="HashCode"/>): IDs come from producers, and a predictable
/// hash would let one flood a bucket.</summary>
internal sealed class TraceIdComparer : IEqualityComparer<TraceState>, IAlternateEqualityComparer<ReadOnlySpan<byte>, TraceState>
{
    public static TraceIdComparer Instance { get; } = new();

    public bool Equals(TraceState? x, TraceState? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.IdLength != y.IdLength)
        {
            return false;
        }

        Span<byte> id = stackalloc byte[TraceLinkingEnricher.MaxIdLength * 3];
        return y.IdEquals(id[..x.CopyId(id)]);
    }

    // Only when a state is added (the set keeps the hash of each entry): the ID is written out once for it.
    public int GetHashCode(TraceState obj)
    {
        Span<byte> id = stackalloc byte[TraceLinkingEnricher.MaxIdLength * 3];
        return Hash(id[..obj.CopyId(id)]);
    }

    public bool Equals(ReadOnlySpan<byte> alternate, TraceState other) => other.IdEquals(alternate);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public TraceState Create(ReadOnlySpan<byte> alternate) => new(alternate);

    private static int Hash(ReadOnlySpan<byte> id)
    {
        var hash = default(HashCode);
        hash.AddBytes(id);
        return hash.ToHashCode();
    }
}
