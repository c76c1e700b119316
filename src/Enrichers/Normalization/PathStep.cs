namespace Enrichers.Normalization;

/// <summary>A path the stage reads or writes, with the ids (in its <see cref="TopLevelNameIndex"/>) of the top-level
/// names it can start with: a step is looked at only when one of them is on the record.</summary>
internal sealed class PathStep(string path, int[] ids)
{
    public string Path { get; } = path;

    /// <summary>The path's names, split once: writing a path must not make strings per record.</summary>
    public string[] Segments { get; } = path.Split('.');

    public bool IsPresent(ReadOnlySpan<bool> present)
    {
        foreach (var id in ids)
        {
            if (present[id])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The stage wrote this path: later steps that read it must look.</summary>
    public void Mark(Span<bool> present) => present[ids[0]] = true;
}
