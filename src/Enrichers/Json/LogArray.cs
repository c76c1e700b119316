namespace Enrichers.Json;

/// <summary>A JSON array.</summary>
public sealed class LogArray : LogNode
{
    private readonly List<LogNode> _items;

    public LogArray()
        : this(4)
    {
    }

    internal LogArray(int capacity) => _items = new List<LogNode>(capacity);

    public override LogNodeKind Kind => LogNodeKind.Array;

    public int Count => _items.Count;

    public LogNode this[int index]
    {
        get => _items[index];
        set => _items[index] = value ?? throw new ArgumentNullException(nameof(value));
    }

    public IReadOnlyList<LogNode> Items => _items;

    /// <summary>The items as a span, for enrichers' scans. Valid until items are added.</summary>
    internal ReadOnlySpan<LogNode> ItemSpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_items);

    /// <summary>Empties a pooled array for the next record (see <see cref="LogNodePool"/>).</summary>
    internal void Reuse() => _items.Clear();

    public void Add(LogNode item) => _items.Add(item ?? throw new ArgumentNullException(nameof(item)));

    internal override void WriteTo(ref JsonOutput output)
    {
        output.WriteByte((byte)'[');
        for (var i = 0; i < _items.Count; i++)
        {
            if (i > 0)
            {
                output.WriteByte((byte)',');
            }

            _items[i].WriteTo(ref output);
        }

        output.WriteByte((byte)']');
    }
}
