using System.Text.Json;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Writes a response through a <see cref="ResponseFilter"/> while it is produced: a value the filter
/// leaves out is never written, and a container is opened only once something inside it is kept. The
/// <c>_bulk</c> answer is built this way because filtering it afterwards meant writing ~200 bytes per item and
/// parsing them again, in the process that shares the benchmark machine with the worker. The filter's decision is
/// remembered per path, so the thousands of items of one answer cost one evaluation per field name.</summary>
internal sealed class FilteredJsonWriter(Utf8JsonWriter writer, ResponseFilter? filter)
{
    private static readonly Node Full = new(ResponseFilterMatch.Full);
    private static readonly Node None = new(ResponseFilterMatch.None);

    private readonly List<(string? Name, bool Array, Node Node)> _frames = [];
    private readonly Node _root = filter is null ? Full : new Node(filter.Evaluate([]));
    private int _opened;

    /// <summary>The root object, or an object element of the current array.</summary>
    public void WriteStartObject() => Start(null, array: false);

    public void WriteStartObject(string? name) => Start(name, array: false);

    public void WriteStartArray(string? name) => Start(name, array: true);

    public void WriteEndObject() => End();

    public void WriteEndArray() => End();

    public void WriteString(string name, string? value)
    {
        if (Keep(name))
        {
            writer.WriteString(name, value);
        }
    }

    public void WriteNumber(string name, long value)
    {
        if (Keep(name))
        {
            writer.WriteNumber(name, value);
        }
    }

    public void WriteBoolean(string name, bool value)
    {
        if (Keep(name))
        {
            writer.WriteBoolean(name, value);
        }
    }

    /// <summary>A primitive value as JSON text (a property, or an element of the current array when
    /// <paramref name="name"/> is null).</summary>
    public void WriteRawValue(string? name, ReadOnlySpan<byte> json)
    {
        if (Keep(name))
        {
            if (name is not null)
            {
                writer.WritePropertyName(name);
            }

            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }

    private void Start(string? name, bool array)
    {
        if (_frames.Count == 0)
        {
            // Elasticsearch answers {} when the filter keeps nothing: the root is always written.
            _frames.Add((null, array, _root));
            OpenPending();
            return;
        }

        // Arrays are transparent: an element is judged by the array's path.
        _frames.Add((name, array, name is null ? _frames[^1].Node : Child(name)));
    }

    private bool Keep(string? name)
    {
        if (name is null)
        {
            if (_frames[^1].Node.Match != ResponseFilterMatch.Full)
            {
                return false;
            }

            OpenPending();
            return true;
        }

        if (Child(name).Match != ResponseFilterMatch.Full)
        {
            return false;
        }

        OpenPending();
        return true;
    }

    private void End()
    {
        var (_, array, _) = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        if (_opened > _frames.Count)
        {
            if (array)
            {
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteEndObject();
            }

            _opened = _frames.Count;
        }
    }

    private void OpenPending()
    {
        for (; _opened < _frames.Count; _opened++)
        {
            var (name, array, _) = _frames[_opened];
            if (name is not null)
            {
                writer.WritePropertyName(name);
            }

            if (array)
            {
                writer.WriteStartArray();
            }
            else
            {
                writer.WriteStartObject();
            }
        }
    }

    private Node Child(string name)
    {
        var parent = _frames[^1].Node;
        if (parent.Match != ResponseFilterMatch.Partial)
        {
            // Inside a kept value everything is kept; inside a left-out one nothing is.
            return parent.Match == ResponseFilterMatch.Full ? Full : None;
        }

        parent.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
        if (!parent.Children.TryGetValue(name, out var child))
        {
            var path = _frames.Where(f => f.Name is not null).Select(f => f.Name!).Append(name).ToList();
            child = new Node(filter!.Evaluate(path));
            parent.Children[name] = child;
        }

        return child;
    }

    private sealed class Node(ResponseFilterMatch match)
    {
        public ResponseFilterMatch Match { get; } = match;

        public Dictionary<string, Node>? Children { get; set; }
    }
}
