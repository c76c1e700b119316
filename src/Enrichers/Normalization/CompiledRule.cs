using System.Runtime.CompilerServices;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>A <see cref="FieldRule"/> with its paths resolved against the stage's <see cref="TopLevelNameIndex"/>,
/// and how it is applied to a record.</summary>
/// <param name="mapped">Counts the canonical fields the rule wrote.</param>
internal sealed class CompiledRule(FieldRule rule, PathStep from, PathStep to, int shape, PathStep[]? exceptionParts, StrongBox<long> mapped)
{
    public PathStep From { get; } = from;

    public PathStep To { get; } = to;

    /// <summary>The index of the rule's shape among the stage's shapes, or -1 (not counted).</summary>
    public int Shape { get; } = shape;

    public FieldConversion As { get; } = rule.As;

    public SourceConsumption Consume { get; } = rule.Consume;

    public bool InPlace { get; } = string.Equals(rule.From, rule.To, StringComparison.Ordinal);

    /// <summary>Where <see cref="FieldConversion.Exception"/> writes the type, message and stack trace.</summary>
    private PathStep ExceptionType => exceptionParts![0];

    private PathStep ExceptionMessage => exceptionParts![1];

    private PathStep ExceptionStack => exceptionParts![2];

    /// <returns>True when the rule recognized the field (its shape counts), whether or not it wrote the target.</returns>
    public bool Apply(LogRecord record, ValueConverter converter, ref PresentNames present)
    {
        var root = record.Root;

        // A top-level source the scan found is taken from its place: most rules that apply read one.
        var index = present.SlotOf(From);
        var parent = root;
        if (index < 0 && !LogPath.FindSlot(root, From.Path, out parent, out index))
        {
            return false;
        }

        var source = parent![index].Value;
        if (InPlace)
        {
            var converted = converter.Convert(As, source, record);
            if (converted is not null && !ReferenceEquals(converted, source))
            {
                parent[index].Value = converted;
                Interlocked.Increment(ref mapped.Value);
            }

            return converted is not null;
        }

        if (As == FieldConversion.Exception)
        {
            return ApplyException(record, source, ref present);
        }

        if (LogPath.Find(root, To.Path) is { IsEmpty: false })
        {
            if (Consume == SourceConsumption.Always)
            {
                LogPath.Remove(root, From.Path);
                return true;
            }

            return false;
        }

        if (converter.Convert(As, source, record) is not { } value)
        {
            return false;
        }

        if (ReferenceEquals(value, ValueConverter.Nothing))
        {
            // The value says "none" in its format's own way: nothing to write, and nothing worth keeping.
            if (Consume != SourceConsumption.Never)
            {
                LogPath.Remove(root, From.Path);
            }

            return true;
        }

        // The source goes first: it may be where the target's path starts ("error" → "error.message").
        if (Consume != SourceConsumption.Never)
        {
            LogPath.Remove(root, From.Path);
        }

        PathWriter.Set(root, To, value);
        To.Mark(ref present);
        Interlocked.Increment(ref mapped.Value);
        return true;
    }

    /// <summary>Writes the type, message and stack trace of an exception text under the rule's target object,
    /// each only where the record has none.</summary>
    private bool ApplyException(LogRecord record, LogNode source, ref PresentNames present)
    {
        if (source is not LogString { IsEmpty: false } s)
        {
            return false;
        }

        var root = record.Root;
        var text = s.Value;
        var (type, message) = ExceptionText.Parse(text);
        if (Consume != SourceConsumption.Never)
        {
            LogPath.Remove(root, From.Path);
        }

        PathWriter.SetIfAbsent(record, ExceptionType, type);
        PathWriter.SetIfAbsent(record, ExceptionMessage, message);
        if (LogPath.Find(root, ExceptionStack.Path) is null)
        {
            // The whole text: the frames, and for Python the exception line after them.
            PathWriter.Set(root, ExceptionStack, source);
        }

        To.Mark(ref present);
        Interlocked.Increment(ref mapped.Value);
        return true;
    }
}
