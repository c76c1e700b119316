using System.Text;

namespace LogPipeline.Demo.Generator;

/// <summary>A minimal JSON text builder for one line at a time: it writes exactly what the generator means (raw
/// unicode, only the escapes chosen here, numbers as given), which a serializer would normalise away.</summary>
internal sealed class JsonTextBuilder
{
    private readonly StringBuilder _json = new(1024);
    private readonly Stack<bool> _first = new();

    /// <summary>Starts a new line's top-level object.</summary>
    public void BeginLine()
    {
        _json.Clear();
        _first.Clear();
        Open();
    }

    /// <summary>Starts a nested object under <paramref name="name"/>.</summary>
    public void Begin(string name)
    {
        Name(name);
        Open();
    }

    public void End()
    {
        _json.Append('}');
        _first.Pop();
    }

    public void Str(string name, string value)
    {
        Name(name);
        AppendString(value);
    }

    /// <summary>A number written as <paramref name="text"/> says, digit for digit.</summary>
    public void Num(string name, string text)
    {
        Name(name);
        _json.Append(text);
    }

    /// <summary>A value that is already JSON text.</summary>
    public void Raw(string name, string json)
    {
        Name(name);
        _json.Append(json);
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_json.ToString());

    private void Open()
    {
        _json.Append('{');
        _first.Push(true);
    }

    private void Name(string name)
    {
        if (!_first.Pop())
        {
            _json.Append(',');
        }

        _first.Push(false);
        AppendString(name);
        _json.Append(':');
    }

    private void AppendString(string value)
    {
        _json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    _json.Append("\\\"");
                    break;
                case '\\':
                    _json.Append("\\\\");
                    break;
                case '\n':
                    _json.Append("\\n");
                    break;
                case '\t':
                    _json.Append("\\t");
                    break;
                default:
                    _json.Append(c);
                    break;
            }
        }

        _json.Append('"');
    }
}
