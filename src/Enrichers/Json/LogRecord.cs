using System.Buffers;

namespace Enrichers.Json;

/// <summary>One parsed log record, which enrichers read and change in place, then written back as compact
/// JSON. Untouched fields keep their input bytes and order.</summary>
public sealed class LogRecord
{
    public LogRecord(LogObject root) => Root = root ?? throw new ArgumentNullException(nameof(root));

    public LogObject Root { get; }

    /// <summary>The first value at a dotted path, nested (<c>{"trace":{"id":..}}</c>) or as a dotted key
    /// (<c>{"trace.id":..}</c>), or null.</summary>
    public LogNode? Find(string path) => LogPath.Find(Root, path);

    /// <summary>The string at a dotted path, or null when absent or not a string.</summary>
    public string? FindString(string path) => Find(path)?.AsString();

    /// <summary>Sets the value at a dotted path: in place where the path already exists (nested or dotted),
    /// else as nested objects.</summary>
    public void Set(string path, LogNode value) => LogPath.Set(Root, path, value);

    public void Set(string path, string value) => Set(path, new LogString(value));

    public void Set(string path, long value) => Set(path, LogLiteral.Number(value));

    /// <summary>Removes the first value at a dotted path; empty parent objects left behind are removed too.</summary>
    public bool Remove(string path) => LogPath.Remove(Root, path);

    /// <summary>Writes the record as compact single-line JSON.</summary>
    public void WriteTo(IBufferWriter<byte> output) => Root.WriteTo(new JsonOutput(output));

    /// <summary>The record as compact JSON bytes (convenience for tests and tools).</summary>
    public byte[] ToUtf8Bytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToUtf8Bytes());
}
