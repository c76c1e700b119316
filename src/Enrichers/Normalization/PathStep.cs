namespace Enrichers.Normalization;

/// <summary>A path the stage reads or writes, with the ids (in its <see cref="TopLevelNameIndex"/>) of the top-level
/// names it can start with: a step is looked at only when one of them is on the record (<see cref="PresentNames"/>).</summary>
internal sealed class PathStep
{
    public PathStep(string path, int[] ids)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Length == 0)
        {
            throw new ArgumentException("A path starts with at least one name.", nameof(ids));
        }

        Path = path;
        Segments = path.Split('.');
        FirstId = ids[0];
        Names = new NameSet(ids);
    }

    public string Path { get; }

    /// <summary>The path's names, split once: writing a path must not make strings per record.</summary>
    public string[] Segments { get; }

    /// <summary>True when the path is one name (no dot): its value is the root's property of that name.</summary>
    public bool IsTopLevel => Segments.Length == 1;

    /// <summary>The names the path can start with: every prefix of the dotted path (<c>a.b.c</c> may be written
    /// nested, dotted, or half of each).</summary>
    public NameSet Names { get; }

    /// <summary>The id of the path's first segment: the top-level name a write of the path makes (see <see cref="Mark"/>).</summary>
    public int FirstId { get; }

    /// <summary>The stage wrote this path: later steps that read it must look.</summary>
    public void Mark(ref PresentNames present) => present.Set(FirstId);
}
