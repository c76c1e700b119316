using System.IO.MemoryMappedFiles;

namespace Enrichers.Geo;

/// <summary>A database file mapped read-only, seen as one span. The search-tree walk and the verifier read it
/// in place: no copy of the file on the managed heap, and the pages are the ones MaxMind's reader maps too
/// (the kernel shares them), so a real-size database costs its resident pages once.</summary>
/// <remarks>The span is valid until <see cref="Dispose"/>; <see cref="GeoDatabase"/> is reference counted so
/// that no lookup can still be reading when that happens.</remarks>
internal sealed unsafe class MappedDatabaseFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private int _disposed;

    private MappedDatabaseFile(MemoryMappedFile map, MemoryMappedViewAccessor view, int length)
    {
        _map = map;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Bytes => new(_pointer, Length);

    /// <summary>Maps the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file is there.</exception>
    /// <exception cref="InvalidDataException">The file is empty or larger than 2 GiB (no MaxMind DB is).</exception>
    public static MappedDatabaseFile Open(string path)
    {
        // Shared for writing and deletion: geoipupdate renames a new file over this one while it is mapped.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length is 0 or > int.MaxValue)
        {
            throw new InvalidDataException(
                $"no MaxMind DB metadata section (not a .mmdb file, or truncated: {stream.Length} bytes)");
        }

        var length = (int)stream.Length;
        var map = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.Read,
            HandleInheritability.None, leaveOpen: false);
        try
        {
            return new MappedDatabaseFile(map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
