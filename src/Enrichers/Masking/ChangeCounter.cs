namespace Enrichers.Masking;

/// <summary>Everything masking changed on this thread so far (masks, names, failed values): JSON held in a string is
/// written back only when its walk changed something, so untouched values keep their exact bytes.</summary>
internal static class ChangeCounter
{
    [ThreadStatic]
    private static int t_changes;

    /// <summary>Only compared with an earlier reading: a different value means something changed in between.</summary>
    public static int Current => t_changes;

    public static void Add() => t_changes++;
}
