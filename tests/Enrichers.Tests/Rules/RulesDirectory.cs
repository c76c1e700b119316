using System.Runtime.InteropServices;

namespace Enrichers.Tests.Rules;

/// <summary>A temporary directory of rules files, written the ways they are replaced in production: by atomic
/// rename (an editor, a deployment tool) or as Kubernetes' atomic writer updates a ConfigMap volume (a new
/// timestamped directory, a <c>..data_tmp</c> link renamed over <c>..data</c>; the files are links through
/// <c>..data</c>).</summary>
internal sealed class RulesDirectory : IDisposable
{
    private int _version;

    public RulesDirectory() => Path = Directory.CreateTempSubdirectory("logpipeline-rules-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="name"/> by rename, with a modification time no earlier write had, so the
    /// replacement is told apart even within the file system's timestamp resolution.</summary>
    public string Write(string name, string json)
    {
        var path = File(name);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        System.IO.File.WriteAllText(temporary, json);
        System.IO.File.SetLastWriteTimeUtc(temporary, new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc).AddMinutes(++_version));
        System.IO.File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Publishes <paramref name="files"/> as the next version of a ConfigMap volume, exactly as the
    /// kubelet's atomic writer does.</summary>
    public void PublishConfigMap(IReadOnlyDictionary<string, string> files)
    {
        var version = $"..2026_12_07_04_{++_version:00}_00.000000001";
        var directory = System.IO.Path.Combine(Path, version);
        Directory.CreateDirectory(directory);
        foreach (var (name, json) in files)
        {
            System.IO.File.WriteAllText(System.IO.Path.Combine(directory, name), json);
        }

        var data = System.IO.Path.Combine(Path, "..data");
        var old = System.IO.File.Exists(data) || Directory.Exists(data) ? new FileInfo(data).LinkTarget : null;
        var temporary = System.IO.Path.Combine(Path, "..data_tmp");
        System.IO.File.CreateSymbolicLink(temporary, version);
        if (Rename(temporary, data) != 0)
        {
            throw new IOException($"rename ..data_tmp over ..data failed: errno {Marshal.GetLastPInvokeError()}");
        }

        foreach (var name in files.Keys)
        {
            var link = File(name);
            if (!System.IO.File.Exists(link))
            {
                System.IO.File.CreateSymbolicLink(link, System.IO.Path.Combine("..data", name));
            }
        }

        if (old is not null)
        {
            Directory.Delete(System.IO.Path.Combine(Path, old), recursive: true);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold the directory for a moment; the temporary directory is left.
        }
    }

    // rename(2) replaces a symbolic link atomically, as the kubelet does; .NET's File.Move checks the source and
    // target kinds first.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string from, string to);
}
