namespace Enrichers.Geo;

/// <summary>What tells one database file from its replacement without reading it. A rename puts a new
/// inode at the path, whose creation (birth or change) time and usually size and modification time differ;
/// .NET exposes no inode number, so these stand in for it.</summary>
internal readonly record struct FileIdentity(long Length, DateTime LastWriteUtc, DateTime CreationUtc)
{
    /// <summary>The identity of the file at <paramref name="path"/> now.</summary>
    /// <exception cref="FileNotFoundException">No file is there.</exception>
    public static FileIdentity Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("file not found", path);
        }

        return new FileIdentity(info.Length, info.LastWriteTimeUtc, info.CreationTimeUtc);
    }
}
