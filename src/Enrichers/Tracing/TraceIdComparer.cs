namespace Enrichers.Tracing;

/// <summary>Compares trace states by their UTF-8 ID, and looks them up by an ID span without making a key
/// object. The hash is seeded per process (<see cref="HashCode"/>): IDs come from producers, and a predictable
/// hash would let one flood a bucket.</summary>
internal sealed class TraceIdComparer : IEqualityComparer<TraceState>, IAlternateEqualityComparer<ReadOnlySpan<byte>, TraceState>
{
    public static TraceIdComparer Instance { get; } = new();

    public bool Equals(TraceState? x, TraceState? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.Id.SequenceEqual(y.Id));

    public int GetHashCode(TraceState obj) => Hash(obj.Id);

    public bool Equals(ReadOnlySpan<byte> alternate, TraceState other) => alternate.SequenceEqual(other.Id);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public TraceState Create(ReadOnlySpan<byte> alternate) => new(alternate);

    private static int Hash(ReadOnlySpan<byte> id)
    {
        var hash = default(HashCode);
        hash.AddBytes(id);
        return hash.ToHashCode();
    }
}
