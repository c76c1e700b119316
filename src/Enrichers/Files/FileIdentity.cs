namespace Enrichers.Files;

/// <summary>What tells one database file from its replacement without reading it. A rename puts a new
/// inode at the path, whose creation (birth or change) time and usually size and modification time differ;
/// .NET exposes no inode number, so these stand in for it. Symbolic links are followed to the final file,
/// so a Kubernetes Secret or ConfigMap volume (whose files are links into a directory that is swapped
/// as a whole) is seen to change too.</summary>
internal readonly record struct FileIdentity(string? Target, long Length, DateTime LastWriteUtc, DateTime CreationUtc)
{
    /// <summary>The identity of the file at <paramref name="path"/> now.</summary>
    /// <exception cref="FileNotFoundException">No file is there (or a link points nowhere).</exception>
    public static FileIdentity Of(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null && File.ResolveLinkTarget(path, returnFinalTarget: true) is FileInfo target)
        {
            info = target;
        }

        if (!info.Exists)
        {
            throw new FileNotFoundException("file not found", path);
        }

        return new FileIdentity(info.FullName, info.Length, info.LastWriteTimeUtc, info.CreationTimeUtc);
    }
}
