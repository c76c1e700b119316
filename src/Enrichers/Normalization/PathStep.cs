namespace Enrichers.Normalization;

/// <summary>A path the stage reads or writes, with the ids (in its <see cref="TopLevelNameIndex"/>) of the top-level
/// names it can start with: a step is looked at only when one of them is on the record (<see cref="PresentNames"/>).</summary>
internal sealed class PathStep
{
    private readonly int[] _ids;

    public PathStep(string path, int[] ids)
    {
        Path = path;
        Segments = path.Split('.');
        _ids = ids;
        foreach (var id in ids)
        {
            Mask |= Bit(id);
        }
    }

    public string Path { get; }

    /// <summary>The path's names, split once: writing a path must not make strings per record.</summary>
    public string[] Segments { get; }

    /// <summary>The bits of the step's names in <see cref="PresentNames"/>' summary.</summary>
    public ulong Mask { get; }

    /// <summary>A name's bit in the 64-bit summary (names beyond 64 share bits; the flags decide then).</summary>
    public static ulong Bit(int id) => 1UL << (id & 63);

    public bool AnyIn(ReadOnlySpan<bool> present)
    {
        foreach (var id in _ids)
        {
            if (present[id])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The stage wrote this path: later steps that read it must look.</summary>
    public void Mark(ref PresentNames present) => present.Set(_ids[0]);
}
